// Storage per unchanged run: the 1,000-page archive listing crawled completely, then crawled
// again with nothing changed; the growth of every table with its indexes and TOAST
// (pg_total_relation_size), per run and per page fetched. Run alone: `tsx bench/storage.ts [pages]`.
import { pathToFileURL } from 'node:url'
import { sql, type Kysely } from 'kysely'
import { pino } from 'pino'
import type { Database } from '../db/schema.ts'
import { crawlJob } from '../jobs/crawl.ts'
import { OriginMap } from '../crawlers/origin-map.ts'
import { eurocitiesLegacy } from '../parsers/eurocities-legacy.ts'
import { startReplica } from '../replica/index.ts'
import { PolitenessSchema } from '../src/config/schema.ts'
import { ARCHIVE_URL } from './archive.ts'
import { openBenchDatabase, type DiffBenchBackend } from './diff.ts'

export interface StorageFigures {
  backend: DiffBenchBackend
  pages: number
  entries: number
  /** Unchanged runs measured (after a first unchanged run that settles the tables). */
  runs: number
  bytesPerRun: number
  bytesPerPageFetched: number
  /** Growth per run of each table that grew, largest first. */
  byTable: { table: string; bytesPerRun: number }[]
  /** The same for unchanged incremental runs (the steady state between full crawls). */
  incremental: { bytesPerRun: number; pagesPerRun: number; byTable: { table: string; bytesPerRun: number }[] }
  /** The whole database after the first crawl. */
  firstCrawlBytes: number
}

const UNCHANGED_RUNS = 3
// an incremental run writes less than a table page (8 kB): enough of them that pages fill
const INCREMENTAL_RUNS = 30

async function tableSizes(db: Kysely<Database>): Promise<Map<string, number>> {
  const { rows } = await sql<{ table: string; bytes: string }>`
    select c.relname as table, pg_total_relation_size(c.oid)::text as bytes
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r'`.execute(db)
  return new Map(rows.map((row) => [row.table, Number(row.bytes)]))
}

function growth(before: Map<string, number>, after: Map<string, number>, runs = UNCHANGED_RUNS): { table: string; bytesPerRun: number }[] {
  return [...after]
    .map(([table, bytes]) => ({ table, bytesPerRun: Math.round((bytes - (before.get(table) ?? 0)) / runs) }))
    .filter((row) => row.bytesPerRun !== 0)
    .sort((a, b) => b.bytesPerRun - a.bytesPerRun)
}

const total = (sizes: Map<string, number>) => [...sizes.values()].reduce((a, b) => a + b, 0)

export async function benchStorage(backend: DiffBenchBackend, options: { url?: string; pages?: number } = {}): Promise<StorageFigures> {
  const pages = options.pages ?? 1000
  const replica = await startReplica({ port: 0, archivePages: pages })
  const target = await openBenchDatabase(backend, options.url)
  try {
    const settings = { ...PolitenessSchema.parse({}), perHostDelaySeconds: 0, origins: new OriginMap(['www.eurocities.eu'], replica.origin) }
    // full when asked (full: true), incremental otherwise
    const source = { name: 'archive', profile: eurocitiesLegacy, url: ARCHIVE_URL, maxPages: 100_000, render: 'http' as const, theme: null, fullCrawl: { everyRuns: 1000, olderThanHours: null } }
    const crawl = async (full = true) => {
      const summary = await crawlJob({ db: target.db, now: () => new Date(), log: pino({ level: 'silent' }) }, [source], { ...settings, full })
      if (summary.status !== 'complete') throw new Error(`bench storage: crawl ${summary.status}`)
      if (!full && summary.listings.some((listing) => listing.status !== 'incremental')) throw new Error('bench storage: the re-run was not incremental')
      return summary
    }
    const first = await crawl()
    const firstCrawlBytes = total(await tableSizes(target.db))
    await crawl() // the first unchanged run fills the pages the first crawl's updates left
    const before = await tableSizes(target.db)
    let fetched = 0
    for (let run = 0; run < UNCHANGED_RUNS; run += 1) fetched += (await crawl()).pagesFetched
    const after = await tableSizes(target.db)
    const byTable = growth(before, after)
    const grown = total(after) - total(before)
    await crawl(false)
    const beforeIncremental = await tableSizes(target.db)
    let incrementalPages = 0
    for (let run = 0; run < INCREMENTAL_RUNS; run += 1) incrementalPages += (await crawl(false)).pagesFetched
    const afterIncremental = await tableSizes(target.db)
    return {
      backend,
      pages: first.pagesFetched,
      entries: first.entriesSeen,
      runs: UNCHANGED_RUNS,
      bytesPerRun: Math.round(grown / UNCHANGED_RUNS),
      bytesPerPageFetched: Math.round(grown / Math.max(1, fetched)),
      byTable,
      firstCrawlBytes,
      incremental: {
        bytesPerRun: Math.round((total(afterIncremental) - total(beforeIncremental)) / INCREMENTAL_RUNS),
        pagesPerRun: incrementalPages / INCREMENTAL_RUNS,
        byTable: growth(beforeIncremental, afterIncremental, INCREMENTAL_RUNS),
      },
    }
  } finally {
    await target.close()
    await replica.close()
  }
}

export function formatStorageBench(figures: StorageFigures): string {
  const tables = figures.byTable.map((row) => `${row.table} ${row.bytesPerRun}`).join(', ')
  const incrementalTables = figures.incremental.byTable.map((row) => `${row.table} ${row.bytesPerRun}`).join(', ')
  return (
    `storage on ${figures.backend}: ${figures.pages}-page listing (${figures.entries} entries), first crawl ${(figures.firstCrawlBytes / 1_048_576).toFixed(1)} MB; ` +
    `an unchanged full re-crawl adds ${figures.bytesPerRun} bytes (${figures.bytesPerPageFetched} per page fetched; mean of ${figures.runs} runs): ${tables || 'nothing'}; ` +
    `an unchanged incremental run (${figures.incremental.pagesPerRun} pages; mean of ${INCREMENTAL_RUNS} runs) adds ${figures.incremental.bytesPerRun} bytes (target: under 1,024 a listing): ${incrementalTables || 'nothing'}`
  )
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const pages = Number(process.argv[2] ?? 1000)
  const serverUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL
  for (const backend of ['pglite', ...(serverUrl ? ['postgres' as const] : [])] as const) {
    process.stdout.write(`${formatStorageBench(await benchStorage(backend, { url: serverUrl, pages }))}\n`)
  }
}
