// Table types for kysely. Column types are what BOTH backends return (see db/connection.ts):
// integer ids as number, timestamptz as Date, text[] as string[], bytea as Uint8Array
// (pg hands back a Buffer, PGlite a plain Uint8Array), dates as 'YYYY-MM-DD' text.
import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable, Updateable } from 'kysely'
import type { ChangeKind, FieldChange, HealthEvent } from '../domain/change.ts'
import type { DetailFile, DetailOutcome } from '../domain/detail.ts'
import type { VersionOrigin } from '../domain/entry-history.ts'
import type { ListingPage } from '../domain/entry.ts'
import type { VersionFields } from '../domain/versioning.ts'
import type { PageOutcomeKind } from '../domain/page-outcome.ts'
import type { ListingCrawlStatus, RunStatus } from '../domain/run-status.ts'
import type { WebRole } from '../domain/web-user.ts'

export type { ListingCrawlStatus, RunStatus }

/** A timestamp set by the database when omitted. */
type CreatedAt = ColumnType<Date, Date | undefined, Date>

export interface CrawlRunTable {
  id: Generated<number>
  started_at: Date
  finished_at: Date | null
  status: RunStatus
  pages_fetched: Generated<number>
  entries_seen: Generated<number>
  versions_created: Generated<number>
  error: string | null
  /** Set by the diff job once it has recorded this run's changes. */
  diffed_at: Date | null
  /** Set once `eurowatch run` has printed this run's changes (its output flushed). */
  printed_at: Date | null
  /** 'backfill': a listing reassembled from web-archive captures, dated by capture; never diffed or delivered. */
  kind: Generated<RunKind>
  /** Its listings are jobs for `eurowatch worker`; the worker finishing the last one finishes the run. */
  queued: Generated<boolean>
}

export interface CrawlHostTable {
  host: string
  next_request_at: Generated<Date>
  holder: string | null
  lease_until: Date | null
}

export interface CrawlWorkerTable {
  /** hostname:pid:start, unique per process. */
  id: string
  hostname: string
  pid: number
  concurrency: number
  started_at: Date
  seen_at: Date
  jobs_done: Generated<number>
}

export type RunKind = 'crawl' | 'backfill'

export type { VersionOrigin }

export interface ListingTable {
  id: Generated<number>
  /** The configuration's name for the listing. */
  source_id: string
  profile: string
  url: string
  created_at: CreatedAt
}

export interface ListingCrawlTable {
  run_id: number
  listing_id: number
  status: ListingCrawlStatus
  pages: Generated<number>
  entries: Generated<number>
  reason: string | null
  started_at: Date
  finished_at: Date | null
  /** Stopped at its page limit (partial for removals, complete for the run's status). */
  limited: Generated<boolean>
}

export interface PageBodyTable {
  /** Hex sha256 of the uncompressed body. */
  sha256: string
  /** Uncompressed size in bytes. */
  size: number
  compression: 'br'
  body: Uint8Array
  created_at: CreatedAt
}

/** What the parser read from a stored body (db/page-readings.ts). */
export interface PageReadingTable {
  body_sha256: string
  /** The code and inputs besides the body that the reading depends on (PageReader.readerOf). */
  reader: string
  page: JSONColumnType<ListingPage>
  /** The charset the body was decoded with. */
  charset: string
  created_at: CreatedAt
}

export interface PageFetchTable {
  id: Generated<number>
  run_id: number
  listing_id: number
  page_number: number
  /** Canonical URL of the page (the site's own). */
  url: string
  /** URL actually requested (differs when fetching from the offline replica). */
  fetched_url: string
  status: number | null
  content_type: string | null
  bytes: number | null
  duration_ms: number
  attempts: number
  body_sha256: string | null
  /** Response headers (names in lower case); null for fetches stored before they were kept. */
  headers: JSONColumnType<Record<string, string>, string | null, string | null> | null
  /** The charset the body was decoded with; null when it was not decoded (no body, a failed fetch). */
  charset: string | null
  outcome: PageOutcomeKind
  /** Why the page was not used (fetch failure, layout, health), as told to the operator. */
  error: string | null
  fetched_at: Date
}

export interface EntryTable {
  id: Generated<number>
  /** WSPO id or canonical URL. */
  entry_key: string
  first_seen_run: number
  last_seen_run: number
  /** Set and cleared by the diff job only. */
  removed_at: Date | null
  /** The run whose diff reported the removal; set and cleared with removed_at. */
  removed_run: ColumnType<number | null, number | null | undefined, number | null>
  /** The run that found it gone from its listings while its own page still answered (not removed); stale once sighted again. */
  unlisted_run: ColumnType<number | null, number | null | undefined, number | null>
}

export interface EntryVersionTable {
  id: Generated<number>
  entry_id: number
  url: string
  title: string | null
  type: string | null
  /** 'YYYY-MM-DD' */
  date: string | null
  /** 'YYYY-MM-DD' */
  end_date: string | null
  themes: string[]
  summary: string | null
  summary_truncated: boolean
  document_type: string | null
  /** The version holds for runs valid_from_run <= r < valid_to_run. */
  valid_from_run: number
  valid_to_run: number | null
  valid_from: Date
  valid_to: Date | null
  origin: Generated<VersionOrigin>
  /** When a re-parse last corrected this version's fields (what it replaced: version_correction). */
  corrected_at: ColumnType<Date | null, Date | null | undefined, Date | null>
}

/** A version's fields and validity as recorded before a re-parse corrected them (dates as ISO text). */
export interface RecordedVersion {
  origin: VersionOrigin
  fields: VersionFields
  validToRun: number | null
  validTo: string | null
}


export interface VersionCorrectionTable {
  id: Generated<number>
  version_id: number
  corrected_at: Date
  before: JSONColumnType<RecordedVersion, string, string>
  after: JSONColumnType<RecordedVersion, string, string>
}

/** One fetch of an entry's own page (db/migrations/2026_11_28_0400_detail_pages.ts). */
export interface DetailFetchTable {
  id: Generated<number>
  run_id: number
  entry_id: number
  /** The version whose URL was asked. */
  version_id: number
  /** Canonical URL asked. */
  url: string
  /** URL actually requested (differs when fetching from the offline replica). */
  fetched_url: string
  /** Canonical URL answered after redirects within the site; null without an answer. */
  final_url: string | null
  status: number | null
  content_type: string | null
  headers: JSONColumnType<Record<string, string>, string | null, string | null> | null
  bytes: number | null
  duration_ms: number
  body_sha256: string | null
  outcome: DetailOutcome
  error: string | null
  fetched_at: Date
}

/** An entry's own page asked before a removal, without its body (db/migrations/2026_12_06_1200_removal_check.ts). */
export interface RemovalCheckTable {
  id: Generated<number>
  run_id: number
  entry_id: number
  /** The listing the entry left. */
  listing_id: number
  /** Canonical URL asked. */
  url: string
  /** URL actually requested (differs when fetching from the offline replica). */
  fetched_url: string
  status: number
  /** Response headers, names in lower case (a redirect's Location among them). */
  headers: JSONColumnType<Record<string, string>, string, string>
  duration_ms: number
  fetched_at: Date
}

/** What a profile read from an entry version's own page. */
export interface EntryDetailTable {
  version_id: number
  entry_id: number
  fetch_id: number
  post_id: string | null
  /** 'YYYY-MM-DD' */
  published: string | null
  document_type: string | null
  author: string | null
  contact: string | null
  tags: ColumnType<string[], string[] | undefined, string[]>
  files: JSONColumnType<DetailFile[], string | undefined, string>
  text: string | null
}

/**
 * The view of sighting ranges as one row per run, as the table held them before ranges: read it,
 * never write it (db/entries.ts recordPageSightings writes the ranges).
 */
export interface SightingTable {
  range_id: number
  run_id: number
  listing_id: number
  entry_id: number
  page_fetch_id: number
  page_number: number
  /** 1-based position in the listing across its pages. */
  position: number
}

/**
 * An entry at one slot (listing, page, position) over consecutive reads of that page: sighted in
 * every run from first_run to before end_run whose crawl read the page (a 'fetched' page fetch).
 */
export interface SightingRangeTable {
  id: Generated<number>
  listing_id: number
  page_number: number
  position: number
  entry_id: number
  first_run: number
  /** The run whose read of the page showed the slot otherwise; null while the entry still stands there. */
  end_run: number | null
  /** The fetch of first_run that recorded it; the later runs' fetches are their reads of the page. */
  first_page_fetch_id: number
}

export interface ChangeEventTable {
  id: Generated<number>
  run_id: number
  entry_id: number
  kind: ChangeKind
  /** The version after the change; for a removal, the last open version. */
  version_id: number
  /** The version before the change, for changed and moved. */
  previous_version_id: number | null
  /** Where the entry was seen; for a removal, where it vanished from. */
  listing_id: number | null
  /** Both backends parse jsonb into objects; write it as a JSON string (pg would turn an array into a Postgres array). */
  changes: JSONColumnType<FieldChange[], string | undefined, string>
  /** A `new` event of a listing's first complete crawl: recorded and counted, never delivered. */
  baseline: Generated<boolean>
  created_at: CreatedAt
}

export interface SubscriptionTable {
  name: string
  /** The first run whose changes it receives. */
  start_run: number
  created_at: CreatedAt
  /** The digest time of the last message claimed (digests only). */
  last_digest_at: Date | null
}

export type DeliveryMessageStatus = 'pending' | 'sent' | 'dead'

/** One row: the identity message keys are derived from (made at migration, kept with the data). */
export interface DatabaseIdentityTable {
  one: Generated<boolean>
  id: string
}

export interface DeliveryMessageTable {
  id: Generated<number>
  subscription: string
  /** The idempotency key every attempt of this message carries. */
  key: string
  kind: 'changes' | 'operator'
  status: Generated<DeliveryMessageStatus>
  attempts: Generated<number>
  next_attempt_at: Date
  last_error: string | null
  notices: JSONColumnType<OperatorNoticeRow[], string | null, string | null> | null
  created_at: Date
  sent_at: Date | null
}

/** An operator notice as a message stores it (dates as ISO text). */
export interface OperatorNoticeRow {
  problem: string
  state: 'open' | 'resolved'
  listing: { source: string; url: string } | null
  message: string
  since: string
  occurrences: number
}

export interface DeliveryTable {
  id: Generated<number>
  change_event_id: number
  subscription: string
  /** null until a message claims it. */
  message_id: number | null
  created_at: Date
}

export interface OperatorProblemTable {
  problem: string
  listing_id: number | null
  message: string
  first_run: number
  last_run: number
  occurrences: Generated<number>
  opened_at: Date
  resolved_at: Date | null
}

export interface SchedulerTable {
  id: number
  pid: number
  cron: string
  time_zone: string
  next_run_at: Date | null
  updated_at: Date
}

export type HealthProblem = HealthEvent['problem']

export interface HealthEventTable {
  id: Generated<number>
  run_id: number
  listing_id: number
  page_fetch_id: number | null
  problem: HealthProblem
  message: string
  created_at: CreatedAt
}

/** A site feed asked before paging (the probe "anything new?"): what it answered when last read. */
export interface FeedProbeTable {
  url: string
  headers: JSONColumnType<Record<string, string>, string, string>
  body_sha256: string
  fetched_at: Date
}

export interface WebUserTable {
  id: Generated<number>
  name: string
  role: WebRole
  password_hash: string
  created_at: CreatedAt
}

export interface ApiTokenTable {
  id: Generated<number>
  user_id: number
  label: Generated<string>
  /** hex SHA-256 of the whole token; the token itself is shown once and never stored */
  token_sha256: string
  prefix: string
  created_at: CreatedAt
  last_used_at: Date | null
}

export interface WebSessionTable {
  /** hex SHA-256 of the session cookie's value */
  session_sha256: string
  user_id: number
  created_at: CreatedAt
  expires_at: Date
}

/** A viewer of the changes inbox (db/migrations/2026_12_07_0200_read_marks.ts). */
export interface ReaderTable {
  /** A web user's name; `local` for the implicit admin of a server without users. */
  name: string
  /** Every change event with an id up to this one is read, unless a read_mark says otherwise. */
  read_through_event: Generated<number>
  updated_at: CreatedAt
}

/** One event marked by hand: read above the reader's watermark, or unread again below it. */
export interface ReadMarkTable {
  reader: string
  change_event_id: number
  read: boolean
}

/**
 * One row per entry for full-text search (db/migrations/2026_12_07_0300_search.ts): written by
 * triggers on entry_version, entry_detail and sighting_range only; read it, never write it.
 */
export interface EntrySearchTable {
  entry_id: number
  /** The entry's latest version: the open one, else the last closed. */
  version_id: number
  title: string | null
  type: string | null
  /** 'YYYY-MM-DD' */
  date: string | null
  year: number | null
  themes: string[]
  /** Every listing the entry was ever sighted on. */
  listing_ids: number[]
  /** Title (weight A), summary (B) and the latest detail page's text (C); tsvector text on read. */
  document: string
}

export interface Database {
  crawl_run: CrawlRunTable
  listing: ListingTable
  listing_crawl: ListingCrawlTable
  page_body: PageBodyTable
  page_fetch: PageFetchTable
  page_reading: PageReadingTable
  entry: EntryTable
  entry_version: EntryVersionTable
  version_correction: VersionCorrectionTable
  sighting: SightingTable
  detail_fetch: DetailFetchTable
  removal_check: RemovalCheckTable
  entry_detail: EntryDetailTable
  sighting_range: SightingRangeTable
  change_event: ChangeEventTable
  health_event: HealthEventTable
  subscription: SubscriptionTable
  database_identity: DatabaseIdentityTable
  delivery_message: DeliveryMessageTable
  delivery: DeliveryTable
  operator_problem: OperatorProblemTable
  scheduler: SchedulerTable
  feed_probe: FeedProbeTable
  web_user: WebUserTable
  api_token: ApiTokenTable
  web_session: WebSessionTable
  reader: ReaderTable
  read_mark: ReadMarkTable
  entry_search: EntrySearchTable
  crawl_host: CrawlHostTable
  crawl_worker: CrawlWorkerTable
}

export type CrawlRun = Selectable<CrawlRunTable>
export type NewCrawlRun = Insertable<CrawlRunTable>
export type CrawlRunUpdate = Updateable<CrawlRunTable>
export type Listing = Selectable<ListingTable>
export type NewListing = Insertable<ListingTable>
export type ListingCrawl = Selectable<ListingCrawlTable>
export type NewListingCrawl = Insertable<ListingCrawlTable>
export type PageBody = Selectable<PageBodyTable>
export type NewPageBody = Insertable<PageBodyTable>
export type PageFetch = Selectable<PageFetchTable>
export type NewPageFetch = Insertable<PageFetchTable>
export type Entry = Selectable<EntryTable>
export type NewEntry = Insertable<EntryTable>
export type EntryVersion = Selectable<EntryVersionTable>
export type NewEntryVersion = Insertable<EntryVersionTable>
export type Sighting = Selectable<SightingTable>
export type SightingRange = Selectable<SightingRangeTable>
export type ChangeEventRow = Selectable<ChangeEventTable>
export type NewChangeEventRow = Insertable<ChangeEventTable>
export type HealthEventRow = Selectable<HealthEventTable>
export type NewHealthEventRow = Insertable<HealthEventTable>
export type DeliveryMessage = Selectable<DeliveryMessageTable>
export type Delivery = Selectable<DeliveryTable>
export type OperatorProblem = Selectable<OperatorProblemTable>
