// A listing as eurowatch last saw it complete at or before a moment: the crawl, then its entries.
// A partial crawl is never shown as the listing: some of its pages are missing.
import type { Kysely } from 'kysely'
import type { SnapshotResult } from '../domain/archive.ts'
import type { Database } from '../db/schema.ts'
import { listingNames, snapshotCaptures, snapshotCrawlState, snapshotEntries, snapshotEntriesPage, type SnapshotCursor } from '../db/snapshot.ts'
import type { SnapshotEntry } from '../domain/archive.ts'

export interface SnapshotRequest {
  /** The listing's name in the configuration (its source name). */
  listing: string
  asOf: Date
  asOfText: string
}

/** The whole listing (the CLI's `snapshot`). */
export async function loadSnapshot(db: Kysely<Database>, request: SnapshotRequest): Promise<SnapshotResult> {
  const { result } = await snapshotWith(db, request, async (listingId, runId) => ({ entries: await snapshotEntries(db, listingId, runId, request.asOf), more: false }))
  return result
}

/** A page of the listing: `limit` entries after `after`; `next` is where the following page starts (null: none follows). */
export async function loadSnapshotPage(db: Kysely<Database>, request: SnapshotRequest, page: { after: SnapshotCursor | null; limit: number }): Promise<{ result: SnapshotResult; next: SnapshotCursor | null }> {
  const { result, more } = await snapshotWith(db, request, (listingId, runId) => snapshotEntriesPage(db, listingId, runId, request.asOf, page))
  const last = result.kind === 'snapshot' ? result.snapshot.entries.at(-1) : undefined
  return { result, next: more && last !== undefined ? { pageNumber: last.pageNumber, position: last.position } : null }
}

/** The crawl standing for the listing at the date, without its entries (a comparison of two dates reads its own). */
export async function loadSnapshotCrawl(db: Kysely<Database>, request: SnapshotRequest): Promise<SnapshotResult> {
  return (await snapshotWith(db, request, async () => ({ entries: [], more: false }))).result
}

async function snapshotWith(
  db: Kysely<Database>,
  request: SnapshotRequest,
  entriesOf: (listingId: number, runId: number) => Promise<{ entries: SnapshotEntry[]; more: boolean }>,
): Promise<{ result: SnapshotResult; more: boolean }> {
  const state = await snapshotCrawlState(db, request.listing, request.asOf)
  if (state === null) return { result: { kind: 'unknown-listing', known: await listingNames(db) }, more: false }
  if (state.latest === null) return { result: { kind: 'before-first-crawl', firstCrawlAt: state.firstCrawlAt }, more: false }
  if (state.complete === null) return { result: { kind: 'no-complete-crawl', crawls: state.crawlsBefore, latest: state.latest, nextCompleteAt: state.nextCompleteAt }, more: false }
  const { entries, more } = await entriesOf(state.listing.id, state.complete.runId)
  const captures = state.complete.origin === 'backfill' ? await snapshotCaptures(db, state.listing.id, state.complete.runId) : []
  return {
    more,
    result: {
      kind: 'snapshot',
      snapshot: {
        listing: { source: state.listing.source, url: state.listing.url },
        asOf: request.asOf,
        asOfText: request.asOfText,
        crawl: { ...state.complete, captures },
        entries,
      },
    },
  }
}
