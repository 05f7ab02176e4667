// What an incremental crawl asks of what is stored: a page URL's last good fetch (its validators
// and body), where a listing's entries stood when last sighted, and when each listing was last
// crawled in full.
import { sql, type Kysely } from 'kysely'
import type { VersionFields } from '../domain/versioning.ts'
import { versionFieldsOf, type VersionColumns } from './entries.ts'
import type { Database } from './schema.ts'

export interface StoredFetch {
  pageFetchId: number
  /** The response headers as stored (for a 304, those of the reused response updated by the 304's). */
  headers: Record<string, string>
  bodySha256: string
  fetchedAt: Date
}

/** The latest fetch of this page URL for this listing, by a crawl of the site, whose body was stored and read. */
export async function lastGoodFetch(db: Kysely<Database>, listingId: number, url: string): Promise<StoredFetch | null> {
  const row = await db
    .selectFrom('page_fetch')
    .select(['id', 'headers', 'body_sha256', 'fetched_at'])
    .where('listing_id', '=', listingId)
    .where('url', '=', url)
    .where('outcome', '=', 'fetched')
    .where('body_sha256', 'is not', null)
    // a web archive's capture carries the archive's validators, not the site's
    .where('run_id', 'in', (eb) => eb.selectFrom('crawl_run').select('id').where('kind', '=', 'crawl'))
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  if (row === undefined || row.body_sha256 === null) return null
  return { pageFetchId: row.id, headers: row.headers ?? {}, bodySha256: row.body_sha256, fetchedAt: row.fetched_at }
}

export interface KnownEntry {
  /** Its position in the listing when last sighted there. */
  position: number
  /** Its open version. */
  fields: VersionFields
}

/**
 * The entries of these keys sighted on this listing before run `runId`: their last position there and
 * their open version, when that version is older than the run (what this run stored is not "already stored").
 */
export async function knownListingEntries(db: Kysely<Database>, listingId: number, keys: readonly string[], runId: number): Promise<Map<string, KnownEntry>> {
  if (keys.length === 0) return new Map()
  const { rows } = await sql<VersionColumns & { entry_key: string; position: number }>`
    select e.entry_key, last.position, v.url, v.title, v.type, v.date, v.end_date, v.themes, v.summary, v.summary_truncated, v.document_type
    from entry e
    join entry_version v on v.entry_id = e.id and v.valid_to_run is null and v.valid_from_run < ${runId}
    cross join lateral (
      select s.position from sighting s where s.listing_id = ${listingId} and s.entry_id = e.id and s.run_id < ${runId}
      order by s.run_id desc, s.position limit 1
    ) last
    where e.entry_key in (select value from jsonb_array_elements_text(${JSON.stringify([...new Set(keys)])}::jsonb))`.execute(db)
  return new Map(rows.map((row) => [row.entry_key, { position: row.position, fields: versionFieldsOf(row) }]))
}

export interface FullCrawlHistory {
  /** When its latest complete (full) crawl finished; null: never. */
  lastFullAt: Date | null
  /** Its crawls since then (before this run), whatever their status. */
  crawlsSince: number
}

/** Each listing's latest complete crawl of the site (not a backfill) before `runId`, and how many crawls followed it. */
export async function fullCrawlHistory(db: Kysely<Database>, listingIds: readonly number[], runId: number): Promise<Map<number, FullCrawlHistory>> {
  if (listingIds.length === 0) return new Map()
  const { rows } = await sql<{ listing_id: number; last_full_at: Date | null; crawls_since: number }>`
    select l.id as listing_id, full_crawl.finished_at as last_full_at,
      (select count(*)::int from listing_crawl c join crawl_run r on r.id = c.run_id and r.kind = 'crawl'
       where c.listing_id = l.id and c.run_id < ${runId} and c.run_id > coalesce(full_crawl.run_id, 0)) as crawls_since
    from listing l
    left join lateral (
      -- a backfilled moment is history read from captures: the site itself was never crawled in full
      select c.run_id, c.finished_at from listing_crawl c join crawl_run r on r.id = c.run_id and r.kind = 'crawl'
      where c.listing_id = l.id and c.status = 'complete' and c.run_id < ${runId}
      order by c.run_id desc limit 1
    ) full_crawl on true
    where l.id in (${sql.join([...listingIds])})`.execute(db)
  return new Map(rows.map((row) => [row.listing_id, { lastFullAt: row.last_full_at, crawlsSince: row.crawls_since }]))
}

export interface IncrementalCrawl {
  runId: number
  source: string
  /** When its latest complete (full) crawl before that run finished; null: never. */
  lastFullAt: Date | null
}

/** The listings these runs crawled incrementally (stopped early by design), with their last full crawl. */
export async function incrementalCrawlsOfRuns(db: Kysely<Database>, runIds: readonly number[]): Promise<IncrementalCrawl[]> {
  if (runIds.length === 0) return []
  const { rows } = await sql<IncrementalCrawl>`
    select c.run_id as "runId", l.source_id as source,
      (select max(f.finished_at) from listing_crawl f where f.listing_id = c.listing_id and f.status = 'complete' and f.run_id < c.run_id) as "lastFullAt"
    from listing_crawl c join listing l on l.id = c.listing_id
    where c.status = 'incremental' and c.run_id in (select value::int from jsonb_array_elements_text(${JSON.stringify([...runIds])}::jsonb))
    order by c.run_id, l.source_id`.execute(db)
  return rows
}

export interface FeedState {
  headers: Record<string, string>
  bodySha256: string
}

/** What a site feed answered when last read to the end of a run that used it. */
export async function storedFeed(db: Kysely<Database>, url: string): Promise<FeedState | null> {
  const row = await db.selectFrom('feed_probe').select(['headers', 'body_sha256']).where('url', '=', url).executeTakeFirst()
  return row === undefined ? null : { headers: row.headers, bodySha256: row.body_sha256 }
}

export async function saveFeed(db: Kysely<Database>, url: string, state: FeedState, at: Date): Promise<void> {
  const values = { headers: JSON.stringify(state.headers), body_sha256: state.bodySha256, fetched_at: at }
  await db
    .insertInto('feed_probe')
    .values({ url, ...values })
    .onConflict((oc) => oc.column('url').doUpdateSet(values))
    .execute()
}
