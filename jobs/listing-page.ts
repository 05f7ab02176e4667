// A listing's page: the listing as of a date, or what changed between two dates, with its recent
// crawls and open problems. Reads only.
import type { Kysely } from 'kysely'
import type { SnapshotResult } from '../domain/archive.ts'
import { compareSnapshots, type SnapshotComparison } from '../domain/snapshot-compare.ts'
import { listingBySource, openProblemsOfListing, recentCrawls, type ListingRow, type RecentCrawl } from '../db/listing-page.ts'
import type { OpenProblem } from '../db/operator-problems.ts'
import type { Database } from '../db/schema.ts'
import { loadSnapshot } from './snapshot.ts'

export interface DateAsked {
  at: Date
  /** As the user gave it. */
  text: string
}

export type ListingView =
  | { kind: 'as-of'; result: SnapshotResult }
  /** Both dates have a snapshot: the comparison; otherwise the gap of each. */
  | { kind: 'compare'; before: SnapshotResult; after: SnapshotResult; comparison: SnapshotComparison | null }

export interface ListingPage {
  listing: ListingRow
  view: ListingView
  crawls: RecentCrawl[]
  problems: OpenProblem[]
}

export interface ListingPageRequest {
  source: string
  /** One date: the listing as of it; two: what changed from the first to the second. */
  dates: [DateAsked] | [DateAsked, DateAsked]
  crawls: number
}

/** null when no listing has that name. */
export async function loadListingPage(db: Kysely<Database>, request: ListingPageRequest): Promise<ListingPage | null> {
  const listing = await listingBySource(db, request.source)
  if (listing === null) return null
  const snapshotAt = (date: DateAsked) => loadSnapshot(db, { listing: request.source, asOf: date.at, asOfText: date.text })
  const [view, crawls, problems] = await Promise.all([
    request.dates.length === 1 ? snapshotAt(request.dates[0]).then((result): ListingView => ({ kind: 'as-of', result })) : compareDates(request.dates, snapshotAt),
    recentCrawls(db, listing.id, request.crawls),
    openProblemsOfListing(db, listing.id),
  ])
  return { listing, view, crawls, problems }
}

async function compareDates(dates: [DateAsked, DateAsked], snapshotAt: (date: DateAsked) => Promise<SnapshotResult>): Promise<ListingView> {
  const [before, after] = await Promise.all([snapshotAt(dates[0]), snapshotAt(dates[1])])
  const comparison = before.kind === 'snapshot' && after.kind === 'snapshot' ? compareSnapshots(before.snapshot, after.snapshot) : null
  return { kind: 'compare', before, after, comparison }
}
