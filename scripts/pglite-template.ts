// Makes db/pglite-template.tar.gz, the empty PGlite data directory new databases start from
// (db/pglite-template.ts): initdb's output, closed cleanly, packed as a state file is. Run it after
// upgrading PGlite (tests/db/pglite-template.test.ts fails on a template it cannot start):
// npm run pglite-template
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import { PGlite } from '@electric-sql/pglite'
import { packDataDir } from '../db/data-dir-archive.ts'
import { PGLITE_TEMPLATE_FILE } from '../db/pglite-template.ts'

const target = resolve(import.meta.dirname, '../db', PGLITE_TEMPLATE_FILE)
const dir = mkdtempSync(join(tmpdir(), 'eurowatch-pglite-template-'))
try {
  const dataDir = join(dir, 'data')
  const client = await PGlite.create(dataDir)
  await client.close()
  // shipped in every install: the smallest file, whatever it costs once here
  await pipeline(Readable.from(packDataDir(dataDir), { objectMode: false }), createGzip({ level: 9 }), createWriteStream(target))
  process.stdout.write(`${target}: ${statSync(target).size} bytes\n`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
