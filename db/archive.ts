// What `eurowatch export` reads, a page at a time (keyset pages: no cursor held open across
// writes, the same plan for the first page and the thousandth). Read-only.
import { sql, type Kysely } from 'kysely'
import type { EntryListing, ExportScope, StoredFetch, Validity } from '../domain/archive.ts'
import type { VersionOrigin } from '../domain/entry-history.ts'
import type { VersionFields } from '../domain/versioning.ts'
import type { Database } from './schema.ts'
import { versionFieldsOf } from './entries.ts'

type Db = Kysely<Database>

export async function listingIdByName(db: Db, source: string): Promise<number | null> {
  const row = await db.selectFrom('listing').select('id').where('source_id', '=', source).executeTakeFirst()
  return row?.id ?? null
}

/** Fetches that got a response and still have their body (unless they had none), in the order they were stored, after fetch `afterId`. */
export async function storedFetchesAfter(db: Db, scope: ExportScope, afterId: number, limit: number): Promise<StoredFetch[]> {
  const rows = await db
    .selectFrom('page_fetch as p')
    .innerJoin('crawl_run as r', 'r.id', 'p.run_id')
    .select(['p.id', 'p.url', 'p.status', 'p.headers', 'p.fetched_at', 'p.body_sha256', 'p.bytes', 'p.fetched_url', 'r.kind'])
    .where('p.id', '>', afterId)
    .where('p.status', 'is not', null)
    // a body dropped by `eurowatch prune --keep-raw-pages` cannot be archived: its fetch is left out
    .where((eb) => eb.or([eb('p.body_sha256', 'is', null), eb.exists(eb.selectFrom('page_body as b').select('b.sha256').whereRef('b.sha256', '=', 'p.body_sha256'))]))
    .$if(scope.since !== null, (qb) => qb.where('p.fetched_at', '>=', scope.since as Date))
    .$if(scope.until !== null, (qb) => qb.where('p.fetched_at', '<=', scope.until as Date))
    .$if(scope.listingId !== null, (qb) => qb.where('p.listing_id', '=', scope.listingId as number))
    .orderBy('p.id')
    .limit(limit)
    .execute()
  return rows.map((row) => ({
    kind: 'listing-page' as const,
    id: row.id,
    url: row.url,
    status: row.status ?? 0,
    headers: row.headers ?? {},
    fetchedAt: row.fetched_at,
    sha256: row.body_sha256,
    bodySize: row.body_sha256 === null ? null : row.bytes,
    sourceUri: row.kind === 'backfill' ? row.fetched_url : null,
  }))
}

/** Fetches of entries' own pages that got a response, after fetch `afterId`; on a listing: of the entries it showed. */
export async function storedDetailFetchesAfter(db: Db, scope: ExportScope, afterId: number, limit: number): Promise<StoredFetch[]> {
  const rows = await db
    .selectFrom('detail_fetch as d')
    .select(['d.id', 'd.url', 'd.final_url', 'd.status', 'd.headers', 'd.fetched_at', 'd.body_sha256', 'd.bytes'])
    .where('d.id', '>', afterId)
    .where('d.status', 'is not', null)
    .where((eb) => eb.or([eb('d.body_sha256', 'is', null), eb.exists(eb.selectFrom('page_body as b').select('b.sha256').whereRef('b.sha256', '=', 'd.body_sha256'))]))
    .$if(scope.since !== null, (qb) => qb.where('d.fetched_at', '>=', scope.since as Date))
    .$if(scope.until !== null, (qb) => qb.where('d.fetched_at', '<=', scope.until as Date))
    .$if(scope.listingId !== null, (qb) =>
      qb.where((eb) => eb.exists(eb.selectFrom('sighting_range as r').select('r.id').whereRef('r.entry_id', '=', 'd.entry_id').where('r.listing_id', '=', scope.listingId as number))),
    )
    .orderBy('d.id')
    .limit(limit)
    .execute()
  return rows.map((row) => ({
    kind: 'entry-page' as const,
    id: row.id,
    // the page that answered, after redirects within the site
    url: row.final_url ?? row.url,
    status: row.status ?? 0,
    headers: row.headers ?? {},
    fetchedAt: row.fetched_at,
    sha256: row.body_sha256,
    bodySize: row.body_sha256 === null ? null : row.bytes,
    sourceUri: null,
  }))
}

/** Entries' pages asked before a removal (no body was read), after check `afterId`. */
export async function storedRemovalChecksAfter(db: Db, scope: ExportScope, afterId: number, limit: number): Promise<StoredFetch[]> {
  const rows = await db
    .selectFrom('removal_check as c')
    .select(['c.id', 'c.url', 'c.status', 'c.headers', 'c.fetched_at'])
    .where('c.id', '>', afterId)
    .$if(scope.since !== null, (qb) => qb.where('c.fetched_at', '>=', scope.since as Date))
    .$if(scope.until !== null, (qb) => qb.where('c.fetched_at', '<=', scope.until as Date))
    .$if(scope.listingId !== null, (qb) => qb.where('c.listing_id', '=', scope.listingId as number))
    .orderBy('c.id')
    .limit(limit)
    .execute()
  return rows.map((row) => ({ kind: 'removal-check' as const, id: row.id, url: row.url, status: row.status, headers: row.headers, fetchedAt: row.fetched_at, sha256: null, bodySize: null, sourceUri: null }))
}

export interface ExportedEntryRow {
  id: number
  key: string
}

/**
 * Entries sighted in the scope (on its listing when it names one), after entry `afterId`, in the
 * order they were first stored.
 */
export async function entriesAfter(db: Db, scope: ExportScope, afterId: number, limit: number): Promise<ExportedEntryRow[]> {
  const rows = await db
    .selectFrom('entry as e')
    .select(['e.id', 'e.entry_key'])
    .where('e.id', '>', afterId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('sighting as s')
          .innerJoin('page_fetch as p', 'p.id', 's.page_fetch_id')
          .select('s.range_id')
          .whereRef('s.entry_id', '=', 'e.id')
          .$if(scope.listingId !== null, (qb) => qb.where('s.listing_id', '=', scope.listingId as number))
          .$if(scope.since !== null, (qb) => qb.where('p.fetched_at', '>=', scope.since as Date))
          .$if(scope.until !== null, (qb) => qb.where('p.fetched_at', '<=', scope.until as Date)),
      ),
    )
    .orderBy('e.id')
    .limit(limit)
    .execute()
  return rows.map((row) => ({ id: row.id, key: row.entry_key }))
}

export interface StoredVersion {
  entryId: number
  versionId: number
  validity: Validity
  fields: VersionFields
  origin: VersionOrigin
  correctedAt: Date | null
}

/** The versions of these entries stored by `until`, oldest first; a validity that ended after `until` reads as open. */
export async function versionsOfEntries(db: Db, entryIds: readonly number[], until: Date | null): Promise<StoredVersion[]> {
  if (entryIds.length === 0) return []
  const rows = await db
    .selectFrom('entry_version as v')
    .selectAll('v')
    .where('v.entry_id', '=', sql<number>`any(${[...entryIds]}::int[])`)
    .$if(until !== null, (qb) => qb.where('v.valid_from', '<=', until as Date))
    .orderBy('v.entry_id')
    .orderBy('v.valid_from_run')
    .orderBy('v.id')
    .execute()
  return rows.map((row) => {
    const ended = row.valid_to !== null && (until === null || row.valid_to <= until)
    return {
      entryId: row.entry_id,
      versionId: row.id,
      validity: { validFromRun: row.valid_from_run, validToRun: ended ? row.valid_to_run : null, validFrom: row.valid_from, validTo: ended ? row.valid_to : null },
      fields: versionFieldsOf(row),
      origin: row.origin,
      correctedAt: row.corrected_at,
    }
  })
}

/** Per entry and listing: the first and last run that showed it by `until`, and where it stood in the last. */
export async function listingsOfEntries(db: Db, entryIds: readonly number[], until: Date | null): Promise<(EntryListing & { entryId: number })[]> {
  if (entryIds.length === 0) return []
  const { rows } = await sql<{ entryId: number; source: string; url: string; firstSeenRun: number; lastSeenRun: number; lastPosition: number }>`
    select s.entry_id as "entryId", l.source_id as source, l.url, min(s.run_id) as "firstSeenRun", max(s.run_id) as "lastSeenRun",
      (array_agg(s.position order by s.run_id desc, s.position))[1] as "lastPosition"
    from sighting s
    join page_fetch p on p.id = s.page_fetch_id
    join listing l on l.id = s.listing_id
    where s.entry_id = any(${[...entryIds]}::int[]) and (${until}::timestamptz is null or p.fetched_at <= ${until}::timestamptz)
    group by s.entry_id, l.source_id, l.url
    order by s.entry_id, l.source_id`.execute(db)
  return rows
}

/** Per entry: the removal the diff reported by `until`, unless the entry reappeared after it (by `until`). */
export async function removalsOfEntries(db: Db, entryIds: readonly number[], until: Date | null): Promise<Map<number, { runId: number; at: Date }>> {
  if (entryIds.length === 0) return new Map()
  const { rows } = await sql<{ entryId: number; kind: string; runId: number; at: Date }>`
    select distinct on (ce.entry_id) ce.entry_id as "entryId", ce.kind, ce.run_id as "runId", ce.created_at as at
    from change_event ce
    where ce.entry_id = any(${[...entryIds]}::int[]) and ce.kind in ('removed', 'reappeared')
      and (${until}::timestamptz is null or ce.created_at <= ${until}::timestamptz)
    order by ce.entry_id, ce.run_id desc, ce.id desc`.execute(db)
  return new Map(rows.filter((row) => row.kind === 'removed').map((row) => [row.entryId, { runId: row.runId, at: row.at }]))
}
