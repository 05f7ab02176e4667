// One benchmark read of the stored pages in a process of its own, so that its peak resident
// memory is its own: `bare` reads every body from the database, a page of rows at a time, and
// decompresses it; `warc` exports the same fetches to a WARC file through the export's own code.
// Usage: tsx bench/export-child.ts <bare|warc> <pglite data dir|postgres URL> <until ISO> <output file>
import { sql } from 'kysely'
import { openDatabase, closeDatabase, type DatabaseTarget } from '../db/connection.ts'
import { readPageBodies } from '../db/pages.ts'
import { writeExport } from '../src/cli/archive-export.ts'
import { openOutput } from '../src/cli/output-file.ts'

const [mode = 'bare', where = '', untilText = '', file = ''] = process.argv.slice(2)
const target: DatabaseTarget = where.startsWith('postgres') ? { kind: 'postgres', url: where } : { kind: 'pglite', dataDir: where }
const until = new Date(untilText)
const db = await openDatabase(target)
const stored = await sql<{ bytes: number }>`select coalesce(sum(b.size), 0)::int8 as bytes from page_fetch p join page_body b on b.sha256 = p.body_sha256 where p.fetched_at <= ${until}`.execute(db)
const storedBytes = Number(stored.rows[0]?.bytes ?? 0)
const started = performance.now()
const cpuBefore = process.cpuUsage()
let bodyBytes = 0
let fileBytes = 0
if (mode === 'bare') {
  // the floor: the same rows in the same pages, each body read and decompressed, nothing written
  let after = 0
  for (;;) {
    const { rows } = await sql<{ id: number; body_sha256: string }>`
      select id, body_sha256 from page_fetch where id > ${after} and fetched_at <= ${until} and body_sha256 is not null order by id limit 200`.execute(db)
    const last = rows.at(-1)
    if (last === undefined) break
    after = last.id
    for (const body of (await readPageBodies(db, rows.map((row) => row.body_sha256))).values()) bodyBytes += body.length
  }
} else {
  const output = await openOutput(file)
  await writeExport(db, 'warc', { since: null, until, listingId: null }, output, { warc: { gzip: false, filename: 'bench.warc', info: {} } })
  await output.commit()
  fileBytes = output.bytes()
  bodyBytes = storedBytes
}
const ms = performance.now() - started
const cpu = process.cpuUsage(cpuBefore)
await closeDatabase(db)
if (bodyBytes !== storedBytes) throw new Error(`read ${bodyBytes} body bytes of ${storedBytes}`)
process.stdout.write(`${JSON.stringify({ mode, ms, cpuMs: (cpu.user + cpu.system) / 1000, bodyBytes, fileBytes, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`)
