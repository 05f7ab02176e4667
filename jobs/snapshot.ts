// A listing as eurowatch last saw it complete at or before a moment: the crawl, then its entries.
// A partial crawl is never shown as the listing: some of its pages are missing.
import type { Kysely } from 'kysely'
import type { SnapshotResult } from '../domain/archive.ts'
import type { Database } from '../db/schema.ts'
import { listingNames, snapshotCaptures, snapshotCrawlState, snapshotEntries } from '../db/snapshot.ts'

export interface SnapshotRequest {
  /** The listing's name in the configuration (its source name). */
  listing: string
  asOf: Date
  asOfText: string
}

export async function loadSnapshot(db: Kysely<Database>, request: SnapshotRequest): Promise<SnapshotResult> {
  const state = await snapshotCrawlState(db, request.listing, request.asOf)
  if (state === null) return { kind: 'unknown-listing', known: await listingNames(db) }
  if (state.latest === null) return { kind: 'before-first-crawl', firstCrawlAt: state.firstCrawlAt }
  if (state.complete === null) return { kind: 'no-complete-crawl', crawls: state.crawlsBefore, latest: state.latest, nextCompleteAt: state.nextCompleteAt }
  const entries = await snapshotEntries(db, state.listing.id, state.complete.runId, request.asOf)
  const captures = state.complete.origin === 'backfill' ? await snapshotCaptures(db, state.listing.id, state.complete.runId) : []
  return {
    kind: 'snapshot',
    snapshot: {
      listing: { source: state.listing.source, url: state.listing.url },
      asOf: request.asOf,
      asOfText: request.asOfText,
      crawl: { ...state.complete, captures },
      entries,
    },
  }
}
