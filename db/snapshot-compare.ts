// "Compare two dates" on a listing, in the database: what the later complete crawl shows that the
// earlier one does not, the reverse, and the entries both show in versions whose fields differ
// under the diff rules. One statement counts them all and returns only the first rows of each
// kind, so that a listing of a million entries is never loaded to be diffed. Read-only.
import { sql, type Kysely } from 'kysely'
import type { SnapshotEntry } from '../domain/archive.ts'
import type { Database, EntryVersionTable } from './schema.ts'
import { versionFieldsOf } from './entries.ts'

type Db = Kysely<Database>

/** A complete crawl standing for the listing at a date (db/snapshot.ts snapshotCrawlState). */
export interface ComparedCrawl {
  runId: number
  /** The date asked: a validity that ended after it reads as open. */
  asOf: Date
}

export interface CrawlComparison {
  counts: { added: number; removed: number; changed: number; unchanged: number }
  /** The first `limit` of each kind: added and changed in the later listing's order, removed in the earlier one's. */
  added: SnapshotEntry[]
  removed: SnapshotEntry[]
  changed: { before: SnapshotEntry; after: SnapshotEntry }[]
}

type VersionRow = Pick<EntryVersionTable, 'url' | 'title' | 'type' | 'date' | 'end_date' | 'themes' | 'summary' | 'summary_truncated' | 'document_type' | 'valid_from_run' | 'valid_to_run' | 'valid_from' | 'valid_to'>

interface ComparedRow {
  kind: 'added' | 'removed' | 'changed' | 'both'
  total: number | string
  entry_key: string | null
  a_page: number | null
  a_position: number | null
  b_page: number | null
  b_position: number | null
  a: VersionRow | null
  b: VersionRow | null
}

/**
 * The listing's entries in crawl `before` against those in crawl `after`. Each crawl's entries are
 * the sighting ranges open in its run on the pages it read (sighting_range_page_idx), each entry
 * at its first position, as db/snapshot.ts reads them. An entry in both changed only when a
 * version began between the two runs (entry_version_entry_idx, one probe each) and the fields of
 * its versions at the two runs differ: stored versions are normalized (domain/versioning.ts), so
 * the rules of diffVersions are plain comparisons here, a summary cut by the listing
 * ("...", "…") being no change when the other starts with it.
 */
export async function compareCrawls(db: Db, listingId: number, before: ComparedCrawl, after: ComparedCrawl, limit: number): Promise<CrawlComparison> {
  const members = (runId: number) => sql`
    select distinct on (r.entry_id) r.entry_id, r.page_number, r.position
    from (select distinct f.page_number from page_fetch f where f.run_id = ${runId} and f.listing_id = ${listingId} and f.outcome = 'fetched') f
    join sighting_range r on r.listing_id = ${listingId} and r.page_number = f.page_number and r.first_run <= ${runId} and (r.end_run is null or r.end_run > ${runId})
    order by r.entry_id, r.position`
  const versionAt = (entry: string, runId: number) => sql`
    select v.* from entry_version v
    where v.entry_id = ${sql.ref(entry)} and v.valid_from_run <= ${runId} and (v.valid_to_run is null or v.valid_to_run > ${runId})
    order by v.valid_from_run desc limit 1`
  const visible = (version: string) =>
    sql`case when ${sql.ref(`${version}.summary_truncated`)} then rtrim(regexp_replace(${sql.ref(`${version}.summary`)}, '\\s*(\\.\\.\\.|…)\\s*$', '')) else ${sql.ref(`${version}.summary`)} end`
  const [low, high] = before.runId <= after.runId ? [before.runId, after.runId] : [after.runId, before.runId]
  const rows = await sql<ComparedRow>`
    with a as materialized (${members(before.runId)}),
    b as materialized (${members(after.runId)}),
    paired as (
      select coalesce(a.entry_id, b.entry_id) as entry_id, a.page_number as a_page, a.position as a_position, b.page_number as b_page, b.position as b_position
      from a full join b on a.entry_id = b.entry_id
    ),
    changed as (
      select p.*
      from paired p
      cross join lateral (${versionAt('p.entry_id', before.runId)}) va
      cross join lateral (${versionAt('p.entry_id', after.runId)}) vb
      where p.a_position is not null and p.b_position is not null
        and exists (select 1 from entry_version v where v.entry_id = p.entry_id and v.valid_from_run > ${low} and v.valid_from_run <= ${high})
        and (
          va.url is distinct from vb.url or va.title is distinct from vb.title or va.type is distinct from vb.type
          or va.date is distinct from vb.date or va.end_date is distinct from vb.end_date or va.document_type is distinct from vb.document_type
          or va.themes is distinct from vb.themes
          or case
            when va.summary is not distinct from vb.summary and va.summary_truncated = vb.summary_truncated then false
            when va.summary is null or vb.summary is null then true
            when vb.summary_truncated and starts_with(${visible('va')}, ${visible('vb')}) then false
            when va.summary_truncated and starts_with(${visible('vb')}, ${visible('va')}) then false
            else true
          end
        )
    ),
    shown as (
      (select 'added' as kind, p.*, count(*) over () as total from paired p where p.a_position is null order by p.b_page, p.b_position limit ${limit})
      union all
      (select 'removed', p.*, count(*) over () from paired p where p.b_position is null order by p.a_page, p.a_position limit ${limit})
      union all
      (select 'changed', c.*, count(*) over () from changed c order by c.b_page, c.b_position limit ${limit})
      union all
      (select 'both', null, null, null, null, null, count(*) from paired p where p.a_position is not null and p.b_position is not null)
    )
    select s.kind, s.total, s.a_page, s.a_position, s.b_page, s.b_position,
      (select e.entry_key from entry e where e.id = s.entry_id) as entry_key,
      (select to_jsonb(va) from (${versionAt('s.entry_id', before.runId)}) va where s.a_position is not null) as a,
      (select to_jsonb(vb) from (${versionAt('s.entry_id', after.runId)}) vb where s.b_position is not null) as b
    from shown s
    order by s.kind, coalesce(s.b_page, s.a_page), coalesce(s.b_position, s.a_position)`.execute(db)

  const count = (kind: ComparedRow['kind']) => Number(rows.rows.find((row) => row.kind === kind)?.total ?? 0)
  const entryAt = (row: ComparedRow, side: 'a' | 'b', crawl: ComparedCrawl): SnapshotEntry => {
    const version = row[side]
    const position = side === 'a' ? row.a_position : row.b_position
    const pageNumber = side === 'a' ? row.a_page : row.b_page
    if (version === null || position === null || pageNumber === null) throw new Error(`compareCrawls: entry ${row.entry_key ?? '?'} has no version in run ${crawl.runId}`)
    return snapshotEntryOf(row.entry_key ?? '', position, pageNumber, version, crawl.asOf)
  }
  const ofKind = (kind: ComparedRow['kind']) => rows.rows.filter((row) => row.kind === kind)
  const changed = count('changed')
  return {
    counts: { added: count('added'), removed: count('removed'), changed, unchanged: count('both') - changed },
    added: ofKind('added').map((row) => entryAt(row, 'b', after)),
    removed: ofKind('removed').map((row) => entryAt(row, 'a', before)),
    changed: ofKind('changed').map((row) => ({ before: entryAt(row, 'a', before), after: entryAt(row, 'b', after) })),
  }
}

// the version as to_jsonb gave it: timestamps as text
function snapshotEntryOf(key: string, position: number, pageNumber: number, version: VersionRow, asOf: Date): SnapshotEntry {
  const validTo = version.valid_to === null ? null : new Date(version.valid_to)
  // as of the date asked, a validity that ended later was still open
  const ended = validTo !== null && validTo <= asOf
  return {
    position,
    pageNumber,
    key,
    fields: versionFieldsOf(version),
    validity: { validFromRun: version.valid_from_run, validToRun: ended ? version.valid_to_run : null, validFrom: new Date(version.valid_from), validTo: ended ? validTo : null },
  }
}
