// A listing's page: the listing as of a date, or what changed between two dates, with its recent
// crawls and open problems. Reads only.
import type { Kysely } from 'kysely'
import type { SnapshotResult } from '../domain/archive.ts'
import type { SnapshotComparison } from '../domain/snapshot-compare.ts'
import { diffVersions } from '../domain/version-diff.ts'
import { compareCrawls, type ComparedKind } from '../db/snapshot-compare.ts'
import { listingBySource, openProblemsOfListing, recentCrawls, type ListingRow, type RecentCrawl } from '../db/listing-page.ts'
import type { OpenProblem } from '../db/operator-problems.ts'
import type { Database } from '../db/schema.ts'
import type { SnapshotCursor } from '../db/snapshot.ts'
import { loadSnapshotCrawl, loadSnapshotPage } from './snapshot.ts'

export interface DateAsked {
  at: Date
  /** As the user gave it. */
  text: string
}

/** What changed, each list cut to its first entries (a listing may hold 1,000,000): `counts` has how many, exact below a bound (`atLeast`: the kinds that reached it). */
export interface ListingComparison extends SnapshotComparison {
  counts: { added: number; removed: number; changed: number }
  atLeast: Record<ComparedKind, boolean>
}

export type ListingView =
  /** A page of the listing: `next` is where the following page starts (null: the last). */
  | { kind: 'as-of'; result: SnapshotResult; next: SnapshotCursor | null }
  /** Both dates have a snapshot: the comparison; otherwise the gap of each. */
  | { kind: 'compare'; before: SnapshotResult; after: SnapshotResult; comparison: ListingComparison | null }

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
  /** The page of the listing's entries shown, and how many of each kind of change are listed. */
  entries: { after: SnapshotCursor | null; limit: number }
}

/** null when no listing has that name. */
export async function loadListingPage(db: Kysely<Database>, request: ListingPageRequest): Promise<ListingPage | null> {
  const listing = await listingBySource(db, request.source)
  if (listing === null) return null
  const snapshotRequest = (date: DateAsked) => ({ listing: request.source, asOf: date.at, asOfText: date.text })
  const [view, crawls, problems] = await Promise.all([
    request.dates.length === 1
      ? loadSnapshotPage(db, snapshotRequest(request.dates[0]), request.entries).then(({ result, next }): ListingView => ({ kind: 'as-of', result, next }))
      : compareDates(db, listing.id, request.dates, (date) => loadSnapshotCrawl(db, snapshotRequest(date)), request.entries.limit),
    recentCrawls(db, listing.id, request.crawls),
    openProblemsOfListing(db, listing.id),
  ])
  return { listing, view, crawls, problems }
}

async function compareDates(db: Kysely<Database>, listingId: number, dates: [DateAsked, DateAsked], crawlAt: (date: DateAsked) => Promise<SnapshotResult>, limit: number): Promise<ListingView> {
  const [before, after] = await Promise.all([crawlAt(dates[0]), crawlAt(dates[1])])
  if (before.kind !== 'snapshot' || after.kind !== 'snapshot') return { kind: 'compare', before, after, comparison: null }
  const compared = await compareCrawls(db, listingId, { runId: before.snapshot.crawl.runId, asOf: dates[0].at }, { runId: after.snapshot.crawl.runId, asOf: dates[1].at }, limit)
  const changed = compared.changed.map((pair) => ({ key: pair.after.key, before: pair.before, after: pair.after, changes: diffVersions(pair.before.fields, pair.after.fields) }))
  const { unchanged, ...counts } = compared.counts
  // the two listings themselves are not shown: only what changed
  return { kind: 'compare', before, after, comparison: { added: compared.added, removed: compared.removed, changed, unchanged, counts, atLeast: compared.atLeast } }
}
