// Stored archives to read back, built fast: many page fetches with distinct bodies (for exports),
// and a long listing history (for snapshots). Shared by the tests and the benchmarks.
import { sql, type Kysely } from 'kysely'
import { closeDatabase, openDatabase, type DatabaseTarget } from '../../db/connection.ts'
import { upsertListing } from '../../db/listings.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { recordPageFetches, storePageBodies } from '../../db/pages.ts'
import { createRun, finishRun } from '../../db/runs.ts'
import type { Database } from '../../db/schema.ts'
import { startReplica } from '../../replica/index.ts'
import { insertSightingRows } from './sighting-rows.ts'

export const ARCHIVE_LISTING_URL = 'http://www.eurocities.eu/eurocities/allcontent&sector=archive'

const HISTORY_START = Date.UTC(2026, 0, 1, 9)
const DAY = 86_400_000

/** Late on day `day` of the history (23:00 Brussels): after that day's run. */
export function lateOnDay(day: number): Date {
  return new Date(HISTORY_START + (day - 1) * DAY + 13 * 3_600_000)
}

/**
 * One listing, `entries` entries on pages of ten, crawled completely once a day for `runs` days
 * (run r on day r of 2026); every day 2% of the entries change (a new version), and from run 3
 * on 1% of them are gone from the listing. Runs and listing crawls start at 10:00 Brussels.
 */
export async function seedListingHistory(db: Kysely<Database>, { entries, runs }: { entries: number; runs: number }): Promise<void> {
  const start = new Date(HISTORY_START)
  await sql`insert into crawl_run (started_at, finished_at, status) select ${start}::timestamptz + (r - 1) * interval '1 day', ${start}::timestamptz + (r - 1) * interval '1 day' + interval '10 minutes', 'complete' from generate_series(1, ${runs}) r`.execute(db)
  await sql`insert into listing (source_id, profile, url) values ('archive', 'eurocities-legacy', 'http://www.eurocities.eu/eurocities/allcontent&sector=archive')`.execute(db)
  await sql`insert into listing_crawl (run_id, listing_id, status, pages, entries, started_at, finished_at) select id, 1, 'complete', ${entries / 10}, ${entries}, started_at, finished_at from crawl_run`.execute(db)
  await sql`insert into page_fetch (run_id, listing_id, page_number, url, fetched_url, status, duration_ms, attempts, outcome, fetched_at)
    select r.id, 1, p, 'http://www.eurocities.eu/eurocities/allcontent&sector=archive&newsstart=' || ((p - 1) * 10 + 1), 'http://127.0.0.1/archive', 200, 1, 1, 'fetched', r.started_at
    from crawl_run r cross join generate_series(1, ${entries / 10}) p`.execute(db)
  await sql`insert into entry (entry_key, first_seen_run, last_seen_run) select 'WSPO-' || lpad(g::text, 6, '0'), 1, ${runs} from generate_series(1, ${entries}) g`.execute(db)
  await sql`insert into entry_version (entry_id, url, title, type, date, themes, summary, summary_truncated, valid_from_run, valid_to_run, valid_from, valid_to)
    select v.entry_id, 'http://www.eurocities.eu/eurocities/documents/Entry-' || v.entry_id || '-WSPO-' || lpad(v.entry_id::text, 6, '0'), 'Entry ' || v.entry_id,
      'news', '2019-10-23', '{culture,economy}', 'Summary of entry ' || v.entry_id || ' as of run ' || v.run || '.', false, v.run, v.next, r.started_at, n.started_at
    from (select e.id as entry_id, g.run, lead(g.run) over (partition by e.id order by g.run) as next
          from entry e cross join generate_series(1, ${runs}) g(run) where g.run = 1 or (e.id + g.run) % 50 = 0) v
    join crawl_run r on r.id = v.run left join crawl_run n on n.id = v.next`.execute(db)
  await insertSightingRows(
    db,
    sql`select r.id as run_id, 1 as listing_id, e.id as entry_id, p.id as page_fetch_id, (e.id - 1) / 10 + 1 as page_number, e.id as position
      from crawl_run r cross join entry e join page_fetch p on p.run_id = r.id and p.page_number = (e.id - 1) / 10 + 1
      where r.id < 3 or e.id % 100 <> r.id % 100`,
  )
  await sql`analyze`.execute(db)
}

/** `pages` fetches of distinct bodies, one run of one listing; returns each fetch's time, in order. */
export async function seedPageFetches(target: DatabaseTarget, pages: number): Promise<Date[]> {
  const replica = await startReplica({ port: 0, archivePages: 1000 })
  const html = await archivePages(replica.origin, Math.min(pages, 1000)).finally(() => replica.close())
  const db = await openDatabase(target)
  try {
    await migrateToLatest(db)
    const started = new Date(Date.UTC(2026, 10, 1, 9))
    const runId = await createRun(db, started)
    const listingId = await upsertListing(db, { sourceId: 'archive', profile: 'eurocities-legacy', url: ARCHIVE_LISTING_URL })
    const times: Date[] = []
    for (let first = 0; first < pages; first += 200) {
      const batch = Array.from({ length: Math.min(200, pages - first) }, (_, offset) => first + offset)
      // each capture a body of its own, as a page that changes every hour would be
      const bodies = batch.map((index) => Buffer.from((html[index % html.length] ?? '').replace('</body>', `<!-- capture ${index} -->\n</body>`)))
      const hashes = await storePageBodies(db, bodies)
      const at = batch.map((index) => new Date(started.getTime() + index * 1000))
      times.push(...at)
      await recordPageFetches(
        db,
        batch.map((index, position) => ({
          runId, listingId, pageNumber: index + 1, url: `${ARCHIVE_LISTING_URL}&newsstart=${index * 10 + 1}`, fetchedUrl: `http://127.0.0.1/archive/${index}`,
          status: 200, contentType: 'text/html; charset=utf-8', headers: { 'content-type': 'text/html; charset=utf-8', 'content-length': String(bodies[position]?.length ?? 0), date: (at[position] ?? started).toUTCString() },
          charset: 'utf-8', outcome: 'fetched' as const, bytes: bodies[position]?.length ?? 0, durationMs: 5, attempts: 1, bodySha256: hashes[position] ?? null, error: null, fetchedAt: at[position] ?? started,
        })),
      )
    }
    await finishRun(db, runId, { status: 'complete', pagesFetched: pages, entriesSeen: 0, versionsCreated: 0, error: null }, new Date(started.getTime() + pages * 1000))
    return times
  } finally {
    await closeDatabase(db)
  }
}


/** The replica's archive listing pages, as HTML. */
async function archivePages(origin: string, count: number): Promise<string[]> {
  const path = new URL(ARCHIVE_LISTING_URL).pathname
  const pages: string[] = []
  for (let index = 0; index < count; index += 1) {
    const suffix = index === 0 ? '' : `&newsstart=${1 + index * 10}&newscount=10&contentURL=allcontent`
    pages.push(await (await fetch(`${origin}${path}${suffix}`)).text())
  }
  return pages
}
