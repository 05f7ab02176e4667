// What `eurowatch backfill` reads and writes besides the pages it stores the usual way: its runs
// (kind 'backfill', dated by capture, never diffed nor printed: they raise no change and no
// alert), the captures already stored (fetched again never), and the removals the captures show.
import { sql, type Kysely } from 'kysely'
import type { Database, PageFetch } from './schema.ts'

type Db = Kysely<Database>

/** The moments already stored, of every listing and kind (crawls and backfills): their listing and start, oldest first. */
export async function storedMoments(db: Db): Promise<{ listingId: number; at: Date }[]> {
  const rows = await db.selectFrom('listing_crawl').select(['listing_id', 'started_at']).where('status', '!=', 'running').orderBy('started_at').execute()
  return rows.map((row) => ({ listingId: row.listing_id, at: row.started_at }))
}

/** A capture stored by an earlier backfill (by the URL it was fetched from), with a body. */
export async function storedCapture(db: Db, fetchedUrl: string): Promise<PageFetch | null> {
  const row = await db
    .selectFrom('page_fetch as p')
    .innerJoin('crawl_run as r', 'r.id', 'p.run_id')
    .selectAll('p')
    .where('r.kind', '=', 'backfill')
    .where('p.fetched_url', '=', fetchedUrl)
    .where('p.body_sha256', 'is not', null)
    .orderBy('p.id')
    .limit(1)
    .executeTakeFirst()
  return row ?? null
}

/** A run of kind 'backfill' started at a capture's time: diffed and printed from the start, so no change is ever reported from it. */
export async function createBackfillRun(db: Db, startedAt: Date, now: Date): Promise<number> {
  const row = await db
    .insertInto('crawl_run')
    .values({ started_at: startedAt, status: 'running', finished_at: null, error: null, diffed_at: now, printed_at: now, kind: 'backfill' })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** Marks the versions a backfill run opened as backfilled. */
export async function markBackfilledVersions(db: Db, runId: number): Promise<void> {
  await db.updateTable('entry_version').set({ origin: 'backfill' }).where('valid_from_run', '=', runId).where('origin', '=', 'crawl').execute()
}

/**
 * After a complete moment of a listing: its entries seen there before but not now, and on no other
 * listing, are removed as of the moment (no change event: history, not news); those seen again
 * after their removal (by time: another listing's runs may be numbered after this one) are no
 * longer removed.
 */
export async function recordBackfilledRemovals(db: Db, runId: number, listingId: number, at: Date): Promise<void> {
  await sql`
    update entry e set removed_at = ${at}, removed_run = ${runId}
    where e.removed_at is null
      and exists (select 1 from sighting s where s.entry_id = e.id and s.listing_id = ${listingId} and s.run_id < ${runId})
      and not exists (select 1 from sighting s where s.entry_id = e.id and s.run_id = ${runId})
      and not exists (select 1 from sighting s where s.entry_id = e.id and s.listing_id <> ${listingId})`.execute(db)
  await sql`
    update entry e set removed_at = null, removed_run = null
    where e.removed_at is not null and e.removed_at < ${at}
      and exists (select 1 from sighting s where s.entry_id = e.id and s.run_id = ${runId})`.execute(db)
}
