// Every page and API route of `eurowatch serve` on PGlite with the demo's data (the replica's
// timeline as `eurowatch demo` records it), each timed once warm over loopback (target: < 200 ms).
// Alone: `npx tsx bench/serve-demo.ts`.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { sql, type Kysely } from 'kysely'
import { pino } from 'pino'
import { closeDatabase, openDatabase } from '../db/connection.ts'
import type { Database } from '../db/schema.ts'
import { recordDemo } from '../src/cli/actions/demo.ts'
import { buildWebApp } from '../src/web/app.ts'

export interface DemoPageFigures {
  path: string
  status: number
  ms: number
}

export async function benchServeDemo(): Promise<DemoPageFigures[]> {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'eurowatch-bench-serve-demo-')), 'demo')
  try {
    await recordDemo(dataDir, () => undefined, pino({ level: 'silent' }))
    const db = await openDatabase({ kind: 'pglite', dataDir })
    try {
      const app = await buildWebApp({ db, now: () => new Date(), secureCookies: false, sources: await sourceNames(db) })
      try {
        await app.listen({ host: '127.0.0.1', port: 0 })
        const address = app.server.address()
        const origin = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
        const figures: DemoPageFigures[] = []
        for (const path of await demoPaths(db)) {
          await (await fetch(origin + path)).arrayBuffer()
          const started = performance.now()
          const response = await fetch(origin + path)
          await response.arrayBuffer()
          figures.push({ path, status: response.status, ms: performance.now() - started })
        }
        return figures
      } finally {
        await app.close()
      }
    } finally {
      await closeDatabase(db)
    }
  } finally {
    rmSync(join(dataDir, '..'), { recursive: true, force: true })
  }
}

export function formatServeDemo(figures: DemoPageFigures[]): string[] {
  const served = figures.filter((f) => f.status === 200)
  const absent = figures.filter((f) => f.status !== 200)
  const lines = served.map((f) => `${f.path}: ${f.ms.toFixed(1)} ms${f.ms >= 200 ? ' (over the 200 ms target)' : ''}`)
  if (served.length > 0) lines.push(`slowest: ${Math.max(...served.map((f) => f.ms)).toFixed(1)} ms (target: every page < 200 ms)`)
  if (absent.length > 0) lines.push(`not served yet: ${absent.map((f) => `${f.path} (HTTP ${f.status})`).join(', ')}`)
  return lines
}

async function sourceNames(db: Kysely<Database>): Promise<string[]> {
  return (await db.selectFrom('listing').select('source_id').orderBy('id').execute()).map((row) => row.source_id)
}

/** Every page and its API twin, asked of the demo's own entries and listings. */
async function demoPaths(db: Kysely<Database>): Promise<string[]> {
  const entry = await sql<{ entry_key: string }>`
    select e.entry_key from entry e order by (select count(*) from entry_version v where v.entry_id = e.id) desc, e.id limit 1`.execute(db)
  const runs = await sql<{ first: string; last: string }>`
    select to_char(min(started_at) at time zone 'UTC', 'YYYY-MM-DD') as first, to_char(max(started_at) at time zone 'UTC', 'YYYY-MM-DD') as last from crawl_run`.execute(db)
  const key = encodeURIComponent(entry.rows[0]?.entry_key ?? '')
  const listing = encodeURIComponent((await sourceNames(db))[0] ?? '')
  const asOf = runs.rows[0]?.last ?? ''
  const from = runs.rows[0]?.first ?? ''
  return [
    '/',
    '/api/v1/changes',
    '/entries',
    '/entries?q=city',
    '/api/v1/entries?q=city',
    '/entries?q=lodz',
    '/api/v1/entries?q=lodz',
    `/entries/${key}`,
    `/api/v1/entries/${key}`,
    '/listings',
    '/api/v1/listings',
    `/listings/${listing}`,
    `/listings/${listing}?as-of=${asOf}`,
    `/api/v1/listings/${listing}?as-of=${asOf}`,
    `/listings/${listing}?compare=${from}&with=${asOf}`,
    `/api/v1/listings/${listing}?compare=${from}&with=${asOf}`,
    '/operations',
    '/api/v1/runs',
    '/api/openapi.json',
  ]
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of formatServeDemo(await benchServeDemo())) console.log(line)
}
