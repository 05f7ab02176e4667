// Diff job timing at 10,000 and 100,000 stored entries: a run where 1% changed, 1% is new and a few
// entries vanished (absent from two complete crawls), on PGlite and on PostgreSQL.
// Alone: `npx tsx bench/diff.ts` (PostgreSQL too when DATABASE_URL or TEST_DATABASE_URL is set).
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { sql, type Kysely } from 'kysely'
import pg from 'pg'
import { pino } from 'pino'
import { closeDatabase, openDatabase, pgliteExtensions, wrapPglite } from '../db/connection.ts'
import { migrateToLatest } from '../db/migrate.ts'
import type { Database } from '../db/schema.ts'
import { diffRun } from '../jobs/diff.ts'
import { insertSightingRows } from '../tests/support/sighting-rows.ts'

export type DiffBenchBackend = 'pglite' | 'postgres'

export interface DiffSizeFigures {
  size: number
  ms: number
  seedMs: number
  events: { new: number; changed: number; removed: number }
}

export interface DiffFigures {
  backend: DiffBenchBackend
  sizes: DiffSizeFigures[]
  /** ms at the largest size over ms at the smallest; 10 would be linear growth for 10x the entries. */
  ratio: number
}

const REMOVED = 5

export async function benchDiff(backend: DiffBenchBackend, options: { sizes?: number[]; url?: string } = {}): Promise<DiffFigures> {
  const sizes = options.sizes ?? [10_000, 100_000]
  const results: DiffSizeFigures[] = []
  for (const size of sizes) {
    const target = await openBenchDatabase(backend, options.url)
    try {
      const seedStarted = performance.now()
      await seed(target.db, size)
      const seedMs = performance.now() - seedStarted
      const started = performance.now()
      const summary = await diffRun({ db: target.db, now: () => new Date(), log: pino({ level: 'silent' }) }, 3, { removeAfter: 2 })
      const ms = performance.now() - started
      results.push({ size, ms: Math.round(ms), seedMs: Math.round(seedMs), events: { new: summary.inserted.new, changed: summary.inserted.changed, removed: summary.inserted.removed } })
    } finally {
      await target.close()
    }
  }
  const first = results[0]
  const last = results[results.length - 1]
  return { backend, sizes: results, ratio: first && last ? Math.round((last.ms / first.ms) * 10) / 10 : Number.NaN }
}

/**
 * Runs 1-3 of one listing, all crawls complete. Run 1 saw entries 1..n; runs 2 and 3 all but the
 * first REMOVED; run 3 also n/100 new entries and a new summary for every 100th entry.
 */
async function seed(db: Kysely<Database>, n: number): Promise<void> {
  const added = n / 100
  await sql`insert into crawl_run (started_at, finished_at, status) select now(), now(), 'complete' from generate_series(1, 3)`.execute(db)
  await sql`insert into listing (source_id, profile, url) values ('bench', 'eurocities-legacy', 'http://www.eurocities.eu/bench')`.execute(db)
  await sql`insert into listing_crawl (run_id, listing_id, status, started_at, finished_at) select r, 1, 'complete', now(), now() from generate_series(1, 3) r`.execute(db)
  await sql`insert into page_fetch (run_id, listing_id, page_number, url, fetched_url, status, duration_ms, attempts, outcome, fetched_at)
    select r, 1, 1, 'http://www.eurocities.eu/bench', 'http://127.0.0.1/bench', 200, 1, 1, 'fetched', now() from generate_series(1, 3) r`.execute(db)
  await sql`insert into entry (entry_key, first_seen_run, last_seen_run)
    select 'WSPO-' || lpad(g::text, 7, '0'), case when g > ${n} then 3 else 1 end, case when g <= ${REMOVED} then 1 else 3 end
    from generate_series(1, ${n + added}) g`.execute(db)
  await sql`insert into entry_version (entry_id, url, title, type, date, themes, summary, summary_truncated, valid_from_run, valid_to_run, valid_from, valid_to)
    select id, 'http://www.eurocities.eu/eurocities/documents/Entry-' || id, 'Entry ' || id, 'news', '2019-10-23', '{culture,economy}',
      'Summary of entry ' || id || ', long enough to read like one.', false, first_seen_run,
      case when first_seen_run = 1 and id % 100 = 0 then 3 end, now(), case when first_seen_run = 1 and id % 100 = 0 then now() end
    from entry`.execute(db)
  await sql`insert into entry_version (entry_id, url, title, type, date, themes, summary, summary_truncated, valid_from_run, valid_from)
    select id, 'http://www.eurocities.eu/eurocities/documents/Entry-' || id, 'Entry ' || id, 'news', '2019-10-23', '{culture,economy}',
      'Edited summary of entry ' || id || '.', false, 3, now()
    from entry where first_seen_run = 1 and id % 100 = 0`.execute(db)
  // one page read a run, holding every entry: sightings are stored as ranges of the slots' runs
  await insertSightingRows(
    db,
    sql`select r.r as run_id, 1 as listing_id, e.id as entry_id, r.r as page_fetch_id, 1 as page_number, e.id as position
      from generate_series(1, 3) r(r) join entry e on e.first_seen_run <= r.r and (r.r = 1 or e.id > ${REMOVED})`,
  )
  await sql`analyze`.execute(db)
}

interface BenchDatabase {
  db: Kysely<Database>
  close(): Promise<void>
}

export async function openBenchDatabase(backend: DiffBenchBackend, serverUrl: string | undefined): Promise<BenchDatabase> {
  if (backend === 'pglite') {
    const db = wrapPglite(await PGlite.create({ extensions: await pgliteExtensions() }))
    await migrateToLatest(db)
    return { db, close: () => closeDatabase(db) }
  }
  const url = serverUrl ?? process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL
  if (!url) throw new Error('benchDiff(postgres): set DATABASE_URL or TEST_DATABASE_URL')
  // a throwaway database, so the figures never touch real data
  const name = `eurowatch_bench_${randomBytes(6).toString('hex')}`
  await admin(url, `create database ${name}`)
  const target = new URL(url)
  target.pathname = `/${name}`
  const db = await openDatabase({ kind: 'postgres', url: target.toString() })
  await migrateToLatest(db)
  return {
    db,
    close: async () => {
      await closeDatabase(db)
      await admin(url, `drop database if exists ${name} with (force)`)
    },
  }
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const withServer = Boolean(process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL)
  for (const backend of ['pglite', ...(withServer ? ['postgres' as const] : [])] as const) {
    console.log(JSON.stringify(await benchDiff(backend)))
  }
}
