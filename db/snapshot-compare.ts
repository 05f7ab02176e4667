// "Compare two dates" on a listing, in the database: what the later complete crawl shows that the
// earlier one does not, the reverse, and the entries both show in versions whose fields differ
// under the diff rules. Each kind is read in its listing's order and stops at a bound, so the work
// follows the bound and what differs, not the listing's size (a listing may hold a million
// entries): its first rows and its count, exact below the bound. Read-only.
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { SnapshotEntry } from '../domain/archive.ts'
import type { Database, EntryVersionTable } from './schema.ts'
import { versionFieldsOf } from './entries.ts'

type Db = Kysely<Database>

/** Where a count of one kind stops: past it, "at least" that many (docs/web-entries-listings-operations.md). */
export const COMPARE_COUNT_BOUND = 1_000

// past this many versions begun between the two runs, probing the index a range beats hashing them
const HASHED_VERSIONS = 20_000

/** A complete crawl standing for the listing at a date (db/snapshot.ts snapshotCrawlState). */
export interface ComparedCrawl {
  runId: number
  /** The date asked: a validity that ended after it reads as open. */
  asOf: Date
}

export type ComparedKind = 'added' | 'removed' | 'changed' | 'unchanged'

export interface CrawlComparison {
  /** Exact below the bound; a count that reached it stopped there (`atLeast`). */
  counts: Record<ComparedKind, number>
  /** The kinds whose count reached the bound: there are at least that many, maybe more. */
  atLeast: Record<ComparedKind, boolean>
  /** The first `limit` of each kind: added and changed in the later listing's order, removed in the earlier one's. */
  added: SnapshotEntry[]
  removed: SnapshotEntry[]
  changed: { before: SnapshotEntry; after: SnapshotEntry }[]
}

type VersionRow = Pick<EntryVersionTable, 'url' | 'title' | 'type' | 'date' | 'end_date' | 'themes' | 'summary' | 'summary_truncated' | 'document_type' | 'valid_from_run' | 'valid_to_run' | 'valid_from' | 'valid_to'>

interface ComparedRow {
  kind: ComparedKind
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
 * The listing's entries in crawl `before` against those in crawl `after`. A crawl's entries are
 * the sighting ranges open in its run on the pages it read, each entry at its first position
 * (least position, then page), as db/snapshot.ts reads them. Each kind walks one crawl's ranges
 * in page and position order (pages from page_fetch_run_listing_idx, ranges from
 * sighting_range_page_idx) and stops after `bound` + 1 of its kind:
 * - added (in `after`, not in `before`): a range open in `before` on a page `before` read puts the
 *   entry in `before`, so only the other ranges are looked up (sighting_range_entry_idx);
 * - removed: the same the other way round;
 * - changed: in both, a version began between the two runs (entry_version_entry_idx) and the
 *   fields of its versions at the two runs differ: stored versions are normalized
 *   (domain/versioning.ts), so the rules of diffVersions are plain comparisons here, a summary cut
 *   by the listing ("...", "…") being no change when the other starts with it;
 * - unchanged: in both, not changed.
 * So a kind found early in its listing costs little, and one absent or found late costs a walk of
 * the listing with an index probe a range (a few hundred ms at a million entries).
 */
export async function compareCrawls(db: Db, listingId: number, before: ComparedCrawl, after: ComparedCrawl, limit: number, countBound = COMPARE_COUNT_BOUND): Promise<CrawlComparison> {
  // the rows listed are counted
  const bound = Math.max(countBound, limit)
  const pagesRead = (runId: number) => sql`select distinct f.page_number from page_fetch f where f.run_id = ${runId} and f.listing_id = ${listingId} and f.outcome = 'fetched'`
  const openIn = (range: string, runId: number) => sql`${sql.ref(`${range}.first_run`)} <= ${runId} and (${sql.ref(`${range}.end_run`)} is null or ${sql.ref(`${range}.end_run`)} > ${runId})`
  const inCrawl = (entry: RawBuilder<unknown>, runId: number) => sql`exists (
    select 1 from sighting_range o
    where o.entry_id = ${entry} and o.listing_id = ${listingId} and ${openIn('o', runId)}
      and exists (select 1 from page_fetch f where f.run_id = ${runId} and f.listing_id = ${listingId} and f.page_number = o.page_number and f.outcome = 'fetched'))`
  // the entry's range at its first position in the run
  const firstSighting = (runId: number) => sql`not exists (
    select 1 from sighting_range o
    where o.entry_id = r.entry_id and o.listing_id = ${listingId} and ${openIn('o', runId)}
      and (o.position, o.page_number, o.id) < (r.position, r.page_number, r.id)
      and exists (select 1 from page_fetch f where f.run_id = ${runId} and f.listing_id = ${listingId} and f.page_number = o.page_number and f.outcome = 'fetched'))`
  const walk = (runId: number, where: RawBuilder<unknown>) => sql`
    select r.entry_id, r.page_number, r.position
    from (${pagesRead(runId)} order by 1) p
    cross join lateral (select r.* from sighting_range r where r.listing_id = ${listingId} and r.page_number = p.page_number and ${openIn('r', runId)}) r
    where ${where} and ${firstSighting(runId)}
    order by p.page_number, r.position
    limit ${bound + 1}`
  const versionAt = (entry: string, runId: number) => sql`
    select v.* from entry_version v
    where v.entry_id = ${sql.ref(entry)} and v.valid_from_run <= ${runId} and (v.valid_to_run is null or v.valid_to_run > ${runId})
    order by v.valid_from_run desc limit 1`
  const visible = (version: string) =>
    sql`case when ${sql.ref(`${version}.summary_truncated`)} then rtrim(regexp_replace(${sql.ref(`${version}.summary`)}, '\\s*(\\.\\.\\.|…)\\s*$', '')) else ${sql.ref(`${version}.summary`)} end`
  const [low, high] = before.runId <= after.runId ? [before.runId, after.runId] : [after.runId, before.runId]
  // the versions are compared only when one began between the two runs (`case` keeps that order).
  // Few versions began then (a few runs apart): their entries are hashed once, each range a lookup;
  // many (a year apart, all listings): each range probes entry_version_entry_idx instead
  const versionBegan = sql`case when (select count(*) from (select 1 from entry_version v where v.valid_from_run > ${low} and v.valid_from_run <= ${high} limit ${HASHED_VERSIONS}) few) < ${HASHED_VERSIONS}
      then r.entry_id in (select entry_id from versioned)
      else exists (select 1 from entry_version v where v.entry_id = r.entry_id and v.valid_from_run > ${low} and v.valid_from_run <= ${high}) end`
  const differs = sql`case when ${versionBegan}
    then exists (
      select 1 from (${versionAt('r.entry_id', before.runId)}) va cross join (${versionAt('r.entry_id', after.runId)}) vb
      where va.url is distinct from vb.url or va.title is distinct from vb.title or va.type is distinct from vb.type
        or va.date is distinct from vb.date or va.end_date is distinct from vb.end_date or va.document_type is distinct from vb.document_type
        or va.themes is distinct from vb.themes
        or case
          when va.summary is not distinct from vb.summary and va.summary_truncated = vb.summary_truncated then false
          when va.summary is null or vb.summary is null then true
          when vb.summary_truncated and starts_with(${visible('va')}, ${visible('vb')}) then false
          when va.summary_truncated and starts_with(${visible('vb')}, ${visible('va')}) then false
          else true
        end)
    else false end`
  // a range not open in the other crawl, or on a page it did not read, may hold an entry it lacks
  const mayLack = (runId: number, read: string) => sql`(not (${openIn('r', runId)}) or r.page_number not in (select page_number from ${sql.table(read)}))`
  const rows = await sql<ComparedRow>`
    with read_a as materialized (${pagesRead(before.runId)}),
    read_b as materialized (${pagesRead(after.runId)}),
    versioned as materialized (select distinct v.entry_id from entry_version v where v.valid_from_run > ${low} and v.valid_from_run <= ${high}),
    added as (${walk(after.runId, sql`${mayLack(before.runId, 'read_a')} and not ${inCrawl(sql.ref('r.entry_id'), before.runId)}`)}),
    removed as (${walk(before.runId, sql`${mayLack(after.runId, 'read_b')} and not ${inCrawl(sql.ref('r.entry_id'), after.runId)}`)}),
    changed as (${walk(after.runId, sql`${inCrawl(sql.ref('r.entry_id'), before.runId)} and ${differs}`)}),
    unchanged as (${walk(after.runId, sql`${inCrawl(sql.ref('r.entry_id'), before.runId)} and not (${differs})`)}),
    shown as (
      (select 'added' as kind, null::int as a_page, null::int as a_position, k.page_number as b_page, k.position as b_position, k.entry_id, count(*) over () as total, row_number() over (order by k.page_number, k.position) as n from added k)
      union all
      (select 'removed', k.page_number, k.position, null, null, k.entry_id, count(*) over (), row_number() over (order by k.page_number, k.position) from removed k)
      union all
      (select 'changed', null, null, k.page_number, k.position, k.entry_id, count(*) over (), row_number() over (order by k.page_number, k.position) from changed k)
      union all
      (select 'unchanged', null, null, null, null, null, count(*), 1 from unchanged k)
    ),
    listed as (
      select s.*,
        case when s.kind = 'changed' then (select o.page_number from sighting_range o where o.entry_id = s.entry_id and o.listing_id = ${listingId} and ${openIn('o', before.runId)}
          and exists (select 1 from read_a f where f.page_number = o.page_number) order by o.position, o.page_number, o.id limit 1) else s.a_page end as first_a_page,
        case when s.kind = 'changed' then (select o.position from sighting_range o where o.entry_id = s.entry_id and o.listing_id = ${listingId} and ${openIn('o', before.runId)}
          and exists (select 1 from read_a f where f.page_number = o.page_number) order by o.position, o.page_number, o.id limit 1) else s.a_position end as first_a_position
      from shown s where s.n <= ${limit} or s.kind = 'unchanged'
    )
    select s.kind, s.total, s.first_a_page as a_page, s.first_a_position as a_position, s.b_page, s.b_position,
      (select e.entry_key from entry e where e.id = s.entry_id) as entry_key,
      (select to_jsonb(va) from (${versionAt('s.entry_id', before.runId)}) va where s.first_a_position is not null) as a,
      (select to_jsonb(vb) from (${versionAt('s.entry_id', after.runId)}) vb where s.b_position is not null) as b
    from listed s
    order by s.kind, coalesce(s.b_page, s.first_a_page), coalesce(s.b_position, s.first_a_position)`.execute(db)

  const total = (kind: ComparedKind) => Number(rows.rows.find((row) => row.kind === kind)?.total ?? 0)
  const kinds = ['added', 'removed', 'changed', 'unchanged'] as const
  const counts = Object.fromEntries(kinds.map((kind) => [kind, Math.min(total(kind), bound)])) as Record<ComparedKind, number>
  const atLeast = Object.fromEntries(kinds.map((kind) => [kind, total(kind) > bound])) as Record<ComparedKind, boolean>
  const entryAt = (row: ComparedRow, side: 'a' | 'b', crawl: ComparedCrawl): SnapshotEntry => {
    const version = row[side]
    const position = side === 'a' ? row.a_position : row.b_position
    const pageNumber = side === 'a' ? row.a_page : row.b_page
    if (version === null || position === null || pageNumber === null) throw new Error(`compareCrawls: entry ${row.entry_key ?? '?'} has no version in run ${crawl.runId}`)
    return snapshotEntryOf(row.entry_key ?? '', position, pageNumber, version, crawl.asOf)
  }
  const ofKind = (kind: ComparedKind) => rows.rows.filter((row) => row.kind === kind)
  return {
    counts,
    atLeast,
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
