// What the entry page shows beyond its history (db/entry-history.ts): where it was listed, the
// alerts sent for it, and the stored raw pages it was read from. Read-only.
import { sql, type Kysely } from 'kysely'
import type { EntryHistory } from '../domain/entry-history.ts'
import type { ChangeKind } from '../domain/change.ts'
import type { DetailOutcome } from '../domain/detail.ts'
import type { Database, DeliveryMessageStatus } from './schema.ts'
import { entryHistory } from './entry-history.ts'

type Db = Kysely<Database>

/** One slot (listing, page) that showed the entry, over the runs that read it there. */
export interface EntryListingSlot {
  source: string
  listingUrl: string
  pageNumber: number
  /** The canonical URL of that page. */
  pageUrl: string
  /** Its position in the last run that showed it there. */
  lastPosition: number
  firstSeen: { runId: number; at: Date }
  lastSeen: { runId: number; at: Date }
}

/** An alert for one of the entry's change events: one subscription's delivery of it. */
export interface EntryAlert {
  eventId: number
  kind: ChangeKind
  runId: number
  recordedAt: Date
  subscription: string
  messageId: number | null
  /** 'waiting': not in a message yet (a digest waiting for its time). */
  status: DeliveryMessageStatus | 'waiting'
  attempts: number
  sentAt: Date | null
  lastError: string | null
}

/** A stored raw page: a listing page that showed the entry, or the entry's own page. */
export interface StoredPageRef {
  fetchId: number
  kind: 'listing-page' | 'entry-page'
  url: string
  runId: number
  fetchedAt: Date
  status: number | null
  /** The listing's page number; null for the entry's own page. */
  pageNumber: number | null
  /** What became of an entry-page fetch; null for a listing page. */
  outcome: DetailOutcome | null
}

export interface EntryPage {
  history: EntryHistory
  listings: EntryListingSlot[]
  alerts: EntryAlert[]
  /** One fetch per distinct body the entry was read from, oldest first (a page unchanged for a year is one). */
  pages: StoredPageRef[]
}

/** The entry (its key, its WSPO id in a URL, or a URL it had) with everything the page shows; null when none matches. */
export async function entryPage(db: Db, keyOrUrl: string): Promise<EntryPage | null> {
  const history = await entryHistory(db, keyOrUrl)
  if (history === null) return null
  const entry = await db.selectFrom('entry').select('id').where('entry_key', '=', history.key).executeTakeFirstOrThrow()
  const [listings, alerts, listingPages, entryPages] = await Promise.all([
    listingSlots(db, entry.id),
    alertsOfEntry(db, entry.id),
    listingPagesOfEntry(db, entry.id),
    entryPagesOfEntry(db, entry.id),
  ])
  const pages = [...listingPages, ...entryPages].sort((a, b) => a.fetchedAt.getTime() - b.fetchedAt.getTime() || a.fetchId - b.fetchId)
  return { history, listings, alerts, pages }
}

async function listingSlots(db: Db, entryId: number): Promise<EntryListingSlot[]> {
  const { rows } = await sql<{
    source: string
    listingUrl: string
    pageNumber: number
    pageUrl: string
    lastPosition: number
    firstRun: number
    firstAt: Date
    lastRun: number
    lastAt: Date
  }>`
    with seen as (
      select s.listing_id, s.page_number, min(s.run_id) as first_run, max(s.run_id) as last_run
      from sighting s where s.entry_id = ${entryId}
      group by s.listing_id, s.page_number
    )
    select l.source_id as source, l.url as "listingUrl", seen.page_number as "pageNumber",
      (select s.position from sighting s where s.entry_id = ${entryId} and s.listing_id = seen.listing_id
         and s.page_number = seen.page_number and s.run_id = seen.last_run order by s.position limit 1) as "lastPosition",
      (select f.url from page_fetch f where f.listing_id = seen.listing_id and f.page_number = seen.page_number
         and f.run_id = seen.last_run order by f.id limit 1) as "pageUrl",
      seen.first_run as "firstRun", fr.started_at as "firstAt", seen.last_run as "lastRun", lr.started_at as "lastAt"
    from seen
    join listing l on l.id = seen.listing_id
    join crawl_run fr on fr.id = seen.first_run
    join crawl_run lr on lr.id = seen.last_run
    order by seen.first_run, l.source_id, seen.page_number`.execute(db)
  return rows.map((row) => ({
    source: row.source,
    listingUrl: row.listingUrl,
    pageNumber: row.pageNumber,
    pageUrl: row.pageUrl,
    lastPosition: row.lastPosition,
    firstSeen: { runId: row.firstRun, at: row.firstAt },
    lastSeen: { runId: row.lastRun, at: row.lastAt },
  }))
}

async function alertsOfEntry(db: Db, entryId: number): Promise<EntryAlert[]> {
  const rows = await db
    .selectFrom('change_event as e')
    .innerJoin('delivery as d', 'd.change_event_id', 'e.id')
    .leftJoin('delivery_message as m', 'm.id', 'd.message_id')
    .select(['e.id as eventId', 'e.kind', 'e.run_id as runId', 'e.created_at as recordedAt', 'd.subscription', 'd.message_id as messageId', 'm.status', 'm.attempts', 'm.sent_at as sentAt', 'm.last_error as lastError'])
    .where('e.entry_id', '=', entryId)
    .orderBy('e.id')
    .orderBy('d.subscription')
    .execute()
  return rows.map((row) => ({ ...row, status: row.status ?? 'waiting', attempts: row.attempts ?? 0 }))
}

async function listingPagesOfEntry(db: Db, entryId: number): Promise<StoredPageRef[]> {
  const { rows } = await sql<{ id: number; url: string; runId: number; fetchedAt: Date; status: number | null; pageNumber: number }>`
    select distinct on (f.body_sha256) f.id, f.url, f.run_id as "runId", f.fetched_at as "fetchedAt", f.status, f.page_number as "pageNumber"
    from sighting s join page_fetch f on f.id = s.page_fetch_id
    where s.entry_id = ${entryId} and f.body_sha256 is not null
    order by f.body_sha256, f.id`.execute(db)
  return rows.map((row) => ({ fetchId: row.id, kind: 'listing-page', url: row.url, runId: row.runId, fetchedAt: row.fetchedAt, status: row.status, pageNumber: row.pageNumber, outcome: null }))
}

async function entryPagesOfEntry(db: Db, entryId: number): Promise<StoredPageRef[]> {
  const rows = await db
    .selectFrom('detail_fetch')
    .select(['id', 'url', 'run_id', 'fetched_at', 'status', 'outcome'])
    .where('entry_id', '=', entryId)
    .where('body_sha256', 'is not', null)
    .orderBy('id')
    .execute()
  return rows.map((row) => ({ fetchId: row.id, kind: 'entry-page', url: row.url, runId: row.run_id, fetchedAt: row.fetched_at, status: row.status, pageNumber: null, outcome: row.outcome }))
}

/** A stored raw page and its body, for viewing; null when the fetch is unknown or kept no body. */
export interface StoredPageBody {
  fetchId: number
  kind: StoredPageRef['kind']
  url: string
  contentType: string | null
  /** The charset a listing page was decoded with; null: sniff it (an entry's own page keeps none). */
  charset: string | null
  fetchedAt: Date
  sha256: string
}

export async function storedPage(db: Db, kind: StoredPageRef['kind'], fetchId: number): Promise<StoredPageBody | null> {
  const row =
    kind === 'listing-page'
      ? await db.selectFrom('page_fetch').select(['id', 'url', 'content_type', 'charset', 'fetched_at', 'body_sha256']).where('id', '=', fetchId).executeTakeFirst()
      : await db
          .selectFrom('detail_fetch')
          .select(['id', 'url', 'content_type', sql<string | null>`null`.as('charset'), 'fetched_at', 'body_sha256'])
          .where('id', '=', fetchId)
          .executeTakeFirst()
  if (row === undefined || row.body_sha256 === null) return null
  return { fetchId: row.id, kind, url: row.url, contentType: row.content_type, charset: row.charset, fetchedAt: row.fetched_at, sha256: row.body_sha256 }
}
