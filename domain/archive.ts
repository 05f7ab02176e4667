// What an archivist reads back: a listing as it stood at a moment, entries with every version,
// and the stored page fetches. "As of" a moment means what eurowatch had stored by then: a
// validity that ended later reads as still open.
import type { ListingCrawlStatus } from './run-status.ts'
import type { VersionOrigin } from './entry-history.ts'
import type { VersionFields } from './versioning.ts'
import type { EntryDetail } from './detail.ts'

export interface ListingRef {
  source: string
  url: string
}

/** A version holds for runs validFromRun <= r < validToRun; null ends: still open (as of the moment asked). */
export interface Validity {
  validFromRun: number
  validToRun: number | null
  validFrom: Date
  validTo: Date | null
}

export interface SnapshotCrawl {
  runId: number
  startedAt: Date
  finishedAt: Date
  pages: number
  entries: number
  /** 'backfill': the listing as a web archive's captures showed it (docs/backfill.md), not as eurowatch saw it. */
  origin: 'crawl' | 'backfill'
  /** A backfilled crawl's pages: the capture each was read from (empty for a crawl). */
  captures: SnapshotCapture[]
}

export interface SnapshotCapture {
  page: number
  /** The archive's URL of the capture, as it was fetched. */
  url: string
  capturedAt: Date
}

/** One answer an entry's own page gave (no body is read): what `eurowatch export --format warc` archives. */
export interface EntryPageFetch {
  /** The canonical URL that answered: the one asked, or where a redirect to itself led. */
  url: string
  fetchedUrl: string
  status: number
  headers: Record<string, string>
  fetchedAt: Date
  durationMs: number
}

export interface SnapshotEntry {
  /** 1-based position in the listing across its pages (an entry listed twice: its first). */
  position: number
  pageNumber: number
  key: string
  fields: VersionFields
  validity: Validity
}

/** A listing as its last complete crawl at or before `asOf` saw it. */
export interface ListingSnapshot {
  listing: ListingRef
  asOf: Date
  /** The moment as the user gave it. */
  asOfText: string
  crawl: SnapshotCrawl
  /** In listing order. */
  entries: SnapshotEntry[]
}

/** A listing's crawl as it stood at a moment (one that finished later was running then). */
export interface CrawlAtMoment {
  runId: number
  status: ListingCrawlStatus
  startedAt: Date
  reason: string | null
}

/** Why there is no snapshot to show: a listing not known, or nothing complete by then. */
export type SnapshotGap =
  | { kind: 'unknown-listing'; known: string[] }
  | { kind: 'before-first-crawl'; firstCrawlAt: Date | null }
  | { kind: 'no-complete-crawl'; crawls: number; latest: CrawlAtMoment; nextCompleteAt: Date | null }

export type SnapshotResult = { kind: 'snapshot'; snapshot: ListingSnapshot } | SnapshotGap

/** One listing that showed an entry, as of the export's end. */
export interface EntryListing extends ListingRef {
  firstSeenRun: number
  lastSeenRun: number
  /** Its position there in the last run that showed it (an entry listed twice: its first). */
  lastPosition: number
}

/** An entry with every version stored by the export's end. */
export interface ExportedEntry {
  key: string
  firstSeenRun: number
  lastSeenRun: number
  /** The removal the diff reported, when the entry had not reappeared by the export's end. */
  removed: { runId: number; at: Date } | null
  listings: EntryListing[]
  /** Oldest first. `origin`: 'crawl', 'reparse' (corrected from the stored pages, at `correctedAt`) or 'backfill' (read from web-archive captures); `detail`: what the version's own page said, null when it was not read (by the export's end). */
  versions: { validity: Validity; fields: VersionFields; origin: VersionOrigin; correctedAt: Date | null; detail: EntryDetail | null }[]
}

/** What an export covers: page fetches or sightings in [since, until], on one listing or all. */
export interface ExportScope {
  since: Date | null
  until: Date | null
  /** The listing's id, or null for all. */
  listingId: number | null
}

/** Where a stored fetch was made: a listing's page, an entry's own page (detail), an entry's page asked before a removal. */
export type FetchKind = 'listing-page' | 'entry-page' | 'removal-check'

/** One stored fetch of a page that answered (a fetch without a response has nothing to archive). */
export interface StoredFetch {
  kind: FetchKind
  /** Its row's id in its kind's table (page_fetch, detail_fetch, removal_check). */
  id: number
  /** The page's canonical URL (the site's own, even when fetched from the replica). */
  url: string
  status: number
  /** Response headers, names in lower case; empty for fetches stored before they were kept. */
  headers: Record<string, string>
  fetchedAt: Date
  /** Hex sha256 of the body; null when the response had none. */
  sha256: string | null
  /** The body's length in bytes; null when the response had none. */
  bodySize: number | null
  /** Where the bytes were read from when not from the page itself: a web archive's capture (backfill); null for a crawl's fetch. */
  sourceUri: string | null
}

/** The first capture of a body in one export: later captures of the same body refer to it. */
export interface FirstCapture {
  fetch: Pick<StoredFetch, 'kind' | 'id'>
  url: string
  fetchedAt: Date
  sha256: string
}

/**
 * A fetch as an export writes it: with its body; as a revisit of the earlier capture in the same
 * export that has the same body; or without a body (the response had none).
 */
export type PageCapture =
  | { kind: 'body'; fetch: StoredFetch; body: Uint8Array }
  | { kind: 'revisit'; fetch: StoredFetch; of: FirstCapture }
  | { kind: 'empty'; fetch: StoredFetch }
