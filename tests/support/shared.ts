// The shared folder sits next to the checkout (`<repo>/../shared/`), outside the repository.
import { readFileSync } from 'node:fs'

const SHARED_ROOT = new URL('../../../shared/', import.meta.url)

/** A file under `<repo>/../shared/`, as UTF-8 text. */
export function readShared(relPath: string): string {
  return readFileSync(new URL(relPath, SHARED_ROOT), 'utf8')
}

/** A JSON file under `<repo>/../shared/`; the caller states the shape it expects. */
export function readSharedJson<T = unknown>(relPath: string): T {
  return JSON.parse(readShared(relPath)) as T
}
