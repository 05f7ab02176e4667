// What `eurowatch snapshot` reads: a listing's last complete crawl at or before a moment, and
// the entries that crawl saw in their order, each with the version valid in that run. Read-only.
import type { Kysely } from 'kysely'
import type { CrawlAtMoment, SnapshotCapture, SnapshotCrawl, SnapshotEntry } from '../domain/archive.ts'
import type { Database } from './schema.ts'
import { versionFieldsOf } from './entries.ts'

type Db = Kysely<Database>

export interface SnapshotCrawlState {
  listing: { id: number; source: string; url: string }
  /** The last complete crawl finished at or before the moment; null when none. */
  complete: SnapshotCrawl | null
  /** The last crawl started at or before the moment, as it stood then (complete only later: running). */
  latest: CrawlAtMoment | null
  /** Crawls started at or before the moment. */
  crawlsBefore: number
  firstCrawlAt: Date | null
  /** The first complete crawl finished after the moment, if any. */
  nextCompleteAt: Date | null
}

/** One statement: the listing named `source` and its crawls around `asOf`; null when no listing has that name. */
export async function snapshotCrawlState(db: Db, source: string, asOf: Date): Promise<SnapshotCrawlState | null> {
  const row = await db
    .selectFrom('listing as l')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('listing_crawl as c')
          .innerJoin('crawl_run as r', 'r.id', 'c.run_id')
          .select(['c.run_id', 'c.started_at', 'c.finished_at', 'c.pages', 'c.entries', 'r.kind'])
          .whereRef('c.listing_id', '=', 'l.id')
          .where('c.status', '=', 'complete')
          .where('c.finished_at', '<=', asOf)
          .orderBy('c.run_id', 'desc')
          .limit(1)
          .as('done'),
      (join) => join.onTrue(),
    )
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('listing_crawl as c')
          .select(['c.run_id', 'c.status', 'c.started_at', 'c.finished_at', 'c.reason'])
          .whereRef('c.listing_id', '=', 'l.id')
          .where('c.started_at', '<=', asOf)
          .orderBy('c.run_id', 'desc')
          .limit(1)
          .as('last'),
      (join) => join.onTrue(),
    )
    .select((eb) => [
      'l.id',
      'l.source_id',
      'l.url',
      'done.run_id as done_run',
      'done.started_at as done_started_at',
      'done.finished_at as done_finished_at',
      'done.pages as done_pages',
      'done.entries as done_entries',
      'done.kind as done_kind',
      'last.run_id as last_run',
      'last.status as last_status',
      'last.started_at as last_started_at',
      'last.finished_at as last_finished_at',
      'last.reason as last_reason',
      eb.selectFrom('listing_crawl as c').select((c) => c.fn.min('c.started_at').as('first')).whereRef('c.listing_id', '=', 'l.id').as('first_crawl_at'),
      eb
        .selectFrom('listing_crawl as c')
        .select((c) => c.fn.countAll<number>().as('n'))
        .whereRef('c.listing_id', '=', 'l.id')
        .where('c.started_at', '<=', asOf)
        .as('crawls_before'),
      eb
        .selectFrom('listing_crawl as c')
        .select((c) => c.fn.min('c.finished_at').as('next'))
        .whereRef('c.listing_id', '=', 'l.id')
        .where('c.status', '=', 'complete')
        .where('c.finished_at', '>', asOf)
        .as('next_complete_at'),
    ])
    .where('l.source_id', '=', source)
    .executeTakeFirst()
  if (row === undefined) return null
  const complete =
    row.done_run === null || row.done_started_at === null || row.done_finished_at === null
      ? null
      : {
          runId: row.done_run,
          startedAt: row.done_started_at,
          finishedAt: row.done_finished_at,
          pages: row.done_pages ?? 0,
          entries: row.done_entries ?? 0,
          origin: row.done_kind === 'backfill' ? ('backfill' as const) : ('crawl' as const),
          captures: [],
        }
  const latest =
    row.last_run === null || row.last_status === null || row.last_started_at === null
      ? null
      : // a crawl that finished only after the moment was still running then
        {
          runId: row.last_run,
          status: row.last_finished_at === null || row.last_finished_at > asOf ? ('running' as const) : row.last_status,
          startedAt: row.last_started_at,
          reason: row.last_reason,
        }
  return {
    listing: { id: row.id, source: row.source_id, url: row.url },
    complete,
    latest,
    crawlsBefore: Number(row.crawls_before ?? 0),
    firstCrawlAt: row.first_crawl_at ?? null,
    nextCompleteAt: row.next_complete_at ?? null,
  }
}

/** The pages a backfilled crawl read, each with the archive URL it was fetched from and the capture's time (its fetch time). */
export async function snapshotCaptures(db: Db, listingId: number, runId: number): Promise<SnapshotCapture[]> {
  const rows = await db
    .selectFrom('page_fetch')
    .select(['page_number', 'fetched_url', 'fetched_at'])
    .where('run_id', '=', runId)
    .where('listing_id', '=', listingId)
    .where('outcome', '=', 'fetched')
    .orderBy('page_number')
    .orderBy('id')
    .execute()
  return rows.map((row) => ({ page: row.page_number, url: row.fetched_url, capturedAt: row.fetched_at }))
}

export async function listingNames(db: Db): Promise<string[]> {
  return (await db.selectFrom('listing').select('source_id').orderBy('source_id').execute()).map((row) => row.source_id)
}

/**
 * The entries a crawl (run `runId` on the listing) saw, in listing order, each once at its first
 * position, with the version valid in that run. A validity that ended after `asOf` reads as open.
 * Built apart from running it so that its plan can be read (EXPLAIN): every table is reached
 * through an index: the crawl's reads of its pages, the sighting ranges of each page read
 * (ordered within the page, so they are probed a page at a time and never read whole), the
 * versions by one probe per entry.
 */
export function snapshotEntriesQuery(db: Db, listingId: number, runId: number, asOf: Date) {
  return db
    .selectFrom('page_fetch as f')
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('sighting_range as r')
          .select(['r.entry_id', 'r.position', 'r.page_number'])
          .whereRef('r.listing_id', '=', 'f.listing_id')
          .whereRef('r.page_number', '=', 'f.page_number')
          .where('r.first_run', '<=', runId)
          .where((w) => w.or([w('r.end_run', 'is', null), w('r.end_run', '>', runId)]))
          .orderBy('r.position')
          .as('s'),
      (join) => join.onTrue(),
    )
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('entry_version as v')
          .selectAll('v')
          .whereRef('v.entry_id', '=', 's.entry_id')
          .where('v.valid_from_run', '<=', runId)
          .where((w) => w.or([w('v.valid_to_run', 'is', null), w('v.valid_to_run', '>', runId)]))
          .orderBy('v.valid_from_run', 'desc')
          .limit(1)
          .as('v'),
      (join) => join.onTrue(),
    )
    .select((eb) => [
      's.position',
      's.page_number',
      eb.selectFrom('entry as e').select('e.entry_key').whereRef('e.id', '=', 's.entry_id').as('entry_key'),
      'v.url',
      'v.title',
      'v.type',
      'v.date',
      'v.end_date',
      'v.themes',
      'v.summary',
      'v.summary_truncated',
      'v.document_type',
      'v.valid_from_run',
      'v.valid_from',
      eb.case().when('v.valid_to', '<=', asOf).then(eb.ref('v.valid_to_run')).else(null).end().as('valid_to_run'),
      eb.case().when('v.valid_to', '<=', asOf).then(eb.ref('v.valid_to')).else(null).end().as('valid_to'),
    ])
    .where('f.run_id', '=', runId)
    .where('f.listing_id', '=', listingId)
    .where('f.outcome', '=', 'fetched')
    // a page read twice in the run: its first read stands for it (the view `sighting` reads it so)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('page_fetch as g')
            .select('g.id')
            .whereRef('g.run_id', '=', 'f.run_id')
            .whereRef('g.listing_id', '=', 'f.listing_id')
            .whereRef('g.page_number', '=', 'f.page_number')
            .where('g.outcome', '=', 'fetched')
            .whereRef('g.id', '<', 'f.id'),
        ),
      ),
    )
    // an entry listed twice in the crawl stands at its first position (one probe of its ranges each)
    .where('s.position', '=', (eb) =>
      eb
        .selectFrom('sighting_range as d')
        .select((d) => d.fn.min('d.position').as('first'))
        .whereRef('d.entry_id', '=', 's.entry_id')
        .where('d.listing_id', '=', listingId)
        .where('d.first_run', '<=', runId)
        .where((w) => w.or([w('d.end_run', 'is', null), w('d.end_run', '>', runId)]))
        .where((w) =>
          w.exists(
            w
              .selectFrom('page_fetch as g')
              .select('g.id')
              .whereRef('g.listing_id', '=', 'd.listing_id')
              .whereRef('g.page_number', '=', 'd.page_number')
              .where('g.run_id', '=', runId)
              .where('g.outcome', '=', 'fetched'),
          ),
        ),
    )
    .orderBy('s.position')
}

export async function snapshotEntries(db: Db, listingId: number, runId: number, asOf: Date): Promise<SnapshotEntry[]> {
  return (await snapshotEntriesQuery(db, listingId, runId, asOf).execute()).map(snapshotEntryOf)
}

/** Where a page of a snapshot's entries ends: the next page starts after it. */
export interface SnapshotCursor {
  pageNumber: number
  position: number
}

/**
 * `limit` entries of the snapshot after `after` (null: from the first), and whether more follow.
 * Ordered by the listing page, then the position on it (the listing's order), so that the plan
 * walks the crawl's pages in order and stops at the limit instead of reading the whole listing.
 */
export async function snapshotEntriesPage(db: Db, listingId: number, runId: number, asOf: Date, page: { after: SnapshotCursor | null; limit: number }): Promise<{ entries: SnapshotEntry[]; more: boolean }> {
  const { after } = page
  const rows = await snapshotEntriesQuery(db, listingId, runId, asOf)
    .clearOrderBy()
    .$if(after !== null, (qb) =>
      qb
        .where('f.page_number', '>=', after?.pageNumber ?? 0)
        .where((eb) => eb.or([eb('f.page_number', '>', after?.pageNumber ?? 0), eb('s.position', '>', after?.position ?? 0)])),
    )
    .orderBy('f.page_number')
    .orderBy('s.position')
    .limit(page.limit + 1)
    .execute()
  return { entries: rows.slice(0, page.limit).map(snapshotEntryOf), more: rows.length > page.limit }
}

function snapshotEntryOf(row: Awaited<ReturnType<ReturnType<typeof snapshotEntriesQuery>['execute']>>[number]): SnapshotEntry {
  return {
    position: row.position,
    pageNumber: row.page_number,
    key: row.entry_key ?? '',
    fields: versionFieldsOf(row),
    validity: { validFromRun: row.valid_from_run, validToRun: row.valid_to_run, validFrom: row.valid_from, validTo: row.valid_to },
  }
}
