// One benchmark crawl in a process of its own, so its peak resident memory is its own.
// Usage: tsx bench/crawl-child.ts <replica origin> <pglite|postgres> <runs> [parse threads]  (DATABASE_URL for postgres)
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { openDatabase, closeDatabase, type DatabaseTarget } from '../db/connection.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { crawlJob } from '../jobs/crawl.ts'
import { OriginMap } from '../crawlers/origin-map.ts'
import { PolitenessSchema } from '../src/config/schema.ts'
import { eurocitiesLegacy } from '../parsers/eurocities-legacy.ts'
import { ARCHIVE_URL } from './archive.ts'

const [origin = '', backend = 'pglite', runs = '1', parseThreads] = process.argv.slice(2)
const dataDir = backend === 'pglite' ? mkdtempSync(join(tmpdir(), 'eurowatch-bench-')) : null
const target: DatabaseTarget = dataDir ? { kind: 'pglite', dataDir } : { kind: 'postgres', url: process.env.DATABASE_URL ?? '' }
const db = await openDatabase(target)
await migrateToLatest(db)
const settings = {
  ...PolitenessSchema.parse({}),
  perHostDelaySeconds: 0,
  origins: new OriginMap(['www.eurocities.eu'], origin),
  ...(parseThreads === undefined ? {} : { parseThreads: Number(parseThreads) }),
}
const source = { name: 'archive', profile: eurocitiesLegacy, url: ARCHIVE_URL, maxPages: 100_000, render: 'http' as const, theme: null }
const results = []
for (let run = 0; run < Number(runs); run += 1) {
  const started = performance.now()
  const summary = await crawlJob({ db, now: () => new Date(), log: pino({ level: 'silent' }) }, [source], settings)
  results.push({ ms: performance.now() - started, pages: summary.pagesFetched, entries: summary.entriesSeen, versions: summary.versionsCreated, status: summary.status })
}
await closeDatabase(db)
if (dataDir) rmSync(dataDir, { recursive: true, force: true })
process.stdout.write(`${JSON.stringify({ runs: results, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`)
