// Saved pages and their expected readings, kept in the repository under tests/fixtures/.
import { readFileSync } from 'node:fs'

const FIXTURES_ROOT = new URL('../fixtures/', import.meta.url)

/** A file under `tests/fixtures/`, as UTF-8 text. */
export function readFixture(relPath: string): string {
  return readFileSync(new URL(relPath, FIXTURES_ROOT), 'utf8')
}

/** A JSON file under `tests/fixtures/`; the caller states the shape it expects. */
export function readFixtureJson<T = unknown>(relPath: string): T {
  return JSON.parse(readFixture(relPath)) as T
}
