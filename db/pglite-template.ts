// A new PGlite data directory, unpacked from the bundled template of an empty one instead of made
// by initdb, which PGlite runs in WebAssembly at its first start: 5-18 s on a 2-core machine, and
// the memory it grows to (about 600 MB) stays with the process, the crawl that follows included.
// The template is initdb's output alone: migrations run on it as on any new database (the
// database's own identity among them). Made by `npm run pglite-template`; a template that the
// installed PGlite cannot start is set aside for initdb (tests/db/pglite-template.test.ts).
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const PGLITE_TEMPLATE_FILE = 'pglite-template.tar.gz'

/**
 * The template: beside this module when run from source (db/), in dist/ (copied by build.mjs) when
 * built, from whichever chunk this code landed in; null when there is none.
 */
export function pgliteTemplatePath(): string | null {
  let folder = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(join(folder, PGLITE_TEMPLATE_FILE))) return join(folder, PGLITE_TEMPLATE_FILE)
    const parent = dirname(folder)
    if (parent === folder) return null
    folder = parent
  }
}

/**
 * Fills `dataDir`, absent or empty, from the template: unpacked beside it and renamed into place,
 * so a process killed meanwhile leaves no half directory. False when there is no template, the
 * directory holds anything already, or the template is damaged: PGlite then runs initdb.
 */
export async function seedFromTemplate(dataDir: string, templateFile?: string): Promise<boolean> {
  if (!isNewDataDir(dataDir)) return false
  const template = templateFile ?? pgliteTemplatePath()
  if (template === null) return false
  const staging = `${dataDir}.template-${process.pid}`
  rmSync(staging, { recursive: true, force: true })
  // loaded only for a new directory: an existing database's start needs no gunzip
  const { unpackCompressedDataDir } = await import('./data-dir-archive.ts')
  const fault = await unpackCompressedDataDir(readFileSync(template), staging)
  if (fault !== null) {
    rmSync(staging, { recursive: true, force: true })
    return false
  }
  rmSync(dataDir, { recursive: true, force: true })
  renameSync(staging, dataDir)
  return true
}

/** A data directory not made yet: absent, or an empty folder. */
function isNewDataDir(dataDir: string): boolean {
  return !existsSync(dataDir) || readdirSync(dataDir).length === 0
}
