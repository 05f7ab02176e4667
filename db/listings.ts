import type { Kysely } from 'kysely'
import type { Database, ListingCrawlStatus } from './schema.ts'

export interface ListingSpec {
  /** The configuration's name for the listing. */
  sourceId: string
  profile: string
  url: string
}

/** Inserts or updates the listing named `sourceId`; returns its id. */
export async function upsertListing(db: Kysely<Database>, listing: ListingSpec): Promise<number> {
  const row = await db
    .insertInto('listing')
    .values({ source_id: listing.sourceId, profile: listing.profile, url: listing.url })
    .onConflict((oc) => oc.column('source_id').doUpdateSet((eb) => ({ profile: eb.ref('excluded.profile'), url: eb.ref('excluded.url') })))
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function startListingCrawl(db: Kysely<Database>, runId: number, listingId: number, startedAt: Date): Promise<void> {
  // Starting again within the same run (a retried step) resets the row rather than failing.
  await db
    .insertInto('listing_crawl')
    .values({ run_id: runId, listing_id: listingId, status: 'running', started_at: startedAt, reason: null, finished_at: null })
    .onConflict((oc) =>
      oc.columns(['run_id', 'listing_id']).doUpdateSet({ status: 'running', started_at: startedAt, finished_at: null, reason: null, pages: 0, entries: 0, limited: false }),
    )
    .execute()
}

export interface ListingCrawlOutcome {
  /** Only 'complete' lets the diff job remove entries of this listing; 'incremental' stopped early by design. */
  status: Exclude<ListingCrawlStatus, 'running'>
  pages: number
  entries: number
  reason: string | null
  /** Stopped at its page limit. */
  limited?: boolean
}

export async function finishListingCrawl(
  db: Kysely<Database>,
  runId: number,
  listingId: number,
  outcome: ListingCrawlOutcome,
  finishedAt: Date,
): Promise<void> {
  await db
    .updateTable('listing_crawl')
    .set({ status: outcome.status, pages: outcome.pages, entries: outcome.entries, reason: outcome.reason, limited: outcome.limited ?? false, finished_at: finishedAt })
    .where('run_id', '=', runId)
    .where('listing_id', '=', listingId)
    .execute()
}
