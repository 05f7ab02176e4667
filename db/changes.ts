// The diff's set-based queries: each is ONE statement for every entry of a run, whatever their number,
// and returns the events it inserted as reports read them (nothing is read back afterwards).
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { ChangeEvent } from '../domain/change.ts'
import type { VersionFields } from '../domain/versioning.ts'
import type { Database } from './schema.ts'
import { versionFieldsOf, type VersionColumns } from './entries.ts'
import { changeEventOf, eventColumns, eventJoins, type EventRow } from './report-queries.ts'

type Db = Kysely<Database>

// The events of a CTE `inserted` (an INSERT ... RETURNING *), in the order they were recorded.
const insertedEvents = sql`select ${eventColumns} from inserted ce ${eventJoins} order by ce.id`

/**
 * The same, when the rows inserted come from a CTE `shown` keyed by entry_id that holds the entry's
 * key, the version's columns and `seen_on` (from `seenIn`): nothing is looked up again but the page.
 * (The entry itself is not joined again: for a run's new entries, the newest ids, the planner would
 * rather walk the whole primary key, 1M entries, than look up each.)
 */
const insertedShown = sql`
  select ce.id, ce.run_id, ce.kind, ce.changes, ce.created_at, ce.baseline, s.entry_key, s.url, s.title, s.type, s.date, s.end_date, s.themes,
    s.summary, s.document_type, l.source_id, l.url as listing_url, (select to_jsonb(d) from entry_detail d where d.version_id = ce.version_id) as detail, s.seen_on
  from inserted ce join shown s on s.entry_id = ce.entry_id left join listing l on l.id = ce.listing_id
  order by ce.id`

async function recorded(db: Db, statement: RawBuilder<EventRow>): Promise<ChangeEvent[]> {
  return (await statement.execute(db)).rows.map(changeEventOf)
}

// The version open at the END of run R (R may be an old run diffed late).
const openAtEnd = (v: string, runId: number) =>
  sql`${sql.ref(`${v}.valid_from_run`)} <= ${runId} and (${sql.ref(`${v}.valid_to_run`)} is null or ${sql.ref(`${v}.valid_to_run`)} > ${runId})`

// The entry's sighting ranges that hold in run R, reached by the entry (never by the run's
// pages, which a page of thousands of entries would make quadratic): a range holds in R when it
// spans R and R read its page (the view \`sighting\` reads them so).
const rangesInRun = (runId: number, entryId: RawBuilder<unknown>) => sql`
  sighting_range r where r.entry_id = ${entryId} and r.first_run <= ${runId} and (r.end_run is null or r.end_run > ${runId})
    and exists (select 1 from page_fetch f where f.listing_id = r.listing_id and f.page_number = r.page_number and f.run_id = ${runId} and f.outcome = 'fetched')`

// One listing the entry was sighted on in run R (the lowest id, then its first position): for the report.
const listingSeenIn = (runId: number, entryId: string) =>
  sql`(select r.listing_id from ${rangesInRun(runId, sql.ref(entryId))} order by r.listing_id, r.position limit 1)`

// Where run R showed the entry, in one pass over its ranges: `listing_id` as listingSeenIn gives it,
// `listing_ids` every listing, `seen_on` each with the entry's first position (as eventColumns reads it).
const seenIn = (runId: number, entryId: string) => sql`lateral (
  select min(x.listing_id) as listing_id, array_agg(x.listing_id) as listing_ids,
    coalesce(jsonb_agg(jsonb_build_object('source', l.source_id, 'url', l.url, 'position', x.position) order by l.source_id), '[]'::jsonb) as seen_on
  from (select r.listing_id, min(r.position) as position from ${rangesInRun(runId, sql.ref(entryId))} group by r.listing_id) x
  join listing l on l.id = x.listing_id) seen`
const versionColumns = (v: string) =>
  sql.join(['url', 'title', 'type', 'date', 'end_date', 'themes', 'summary', 'document_type'].map((column) => sql.ref(`${v}.${column}`)))

/**
 * `new`: every entry first seen in run R. It is baseline when no listing it was seen on in R had
 * a complete crawl before R: a listing's first complete crawl is where watching it starts.
 */
export async function insertNewEvents(db: Db, runId: number, at: Date): Promise<ChangeEvent[]> {
  return recorded(db, sql<EventRow>`
    with shown as materialized (
      select e.id as entry_id, e.entry_key, v.id as version_id, ${versionColumns('v')}, seen.listing_id, seen.seen_on,
        not exists (select 1 from listing_crawl lc where lc.listing_id = any(seen.listing_ids) and lc.run_id < ${runId} and lc.status = 'complete') as baseline
      from entry e join entry_version v on v.entry_id = e.id and ${openAtEnd('v', runId)}
      cross join ${seenIn(runId, 'e.id')}
      where e.first_seen_run = ${runId}
    ), inserted as (
      insert into change_event (run_id, entry_id, kind, version_id, listing_id, created_at, baseline)
      select ${runId}, s.entry_id, 'new', s.version_id, s.listing_id, ${at}, s.baseline
      from shown s
      on conflict (run_id, entry_id, kind) do nothing
      returning *
    ) ${insertedShown}`)
}

// Several versions may open inside R (two listings showing it differently): the diff compares the
// one open at its start (opened before R, closed in R), b, with the one open at its end, a.
const versionPairsIn = (runId: number) => sql`
    entry_version a
    join entry_version b on b.entry_id = a.entry_id and b.valid_to_run = ${runId} and b.valid_from_run < ${runId}
    where a.valid_from_run = ${runId} and (a.valid_to_run is null or a.valid_to_run > ${runId})`

/** The stored version before run R and the one after it, for every entry that got a new version in R. */
export interface VersionPair {
  entryId: number
  beforeId: number
  afterId: number
  before: VersionFields
  after: VersionFields
  listingId: number | null
}

export async function findVersionPairs(db: Db, runId: number): Promise<VersionPair[]> {
  const result = await sql<{ entryId: number; beforeId: number; afterId: number; before: VersionColumns; after: VersionColumns; listingId: number | null }>`
    select a.entry_id as "entryId", b.id as "beforeId", a.id as "afterId", to_jsonb(b) as before, to_jsonb(a) as after,
      ${listingSeenIn(runId, 'a.entry_id')} as "listingId"
    from ${versionPairsIn(runId)}`.execute(db)
  return result.rows.map((row) => ({ ...row, before: versionFieldsOf(row.before), after: versionFieldsOf(row.after) }))
}

// The rules of domain/version-diff.ts (diffVersions, which history shows) in SQL, so that a run's
// changes never travel to JavaScript and back; tests/db/change-rules.test.ts holds the two together.
// A field is normalized only when its stored values differ (equal values cannot make a change), and
// then only when it is not plain already: NFC and a regular expression cost microseconds a value.
// JavaScript's \s: what normalizeText collapses to one space.
const SPACE_RUN = '[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+'
// What normalizeText may change: anything but printable ASCII, or spaces doubled or at either end.
const NOT_PLAIN = '[^ -~]|  |^ | $'
// A normalized summary's cut mark: spaces are single ones by then (visibleText in domain/versioning.ts).
const CUT_MARK = String.raw` *(\.\.\.|…) *$`
/** normalizeText: NFC, whitespace runs as one space, trimmed. */
const text = (value: RawBuilder<unknown>) =>
  sql`case when ${value} ~ ${NOT_PLAIN} then btrim(regexp_replace(normalize(${value}, NFC), ${SPACE_RUN}, ' ', 'g'), ' ') else ${value} end`
/** normalizeOptionalText: nothing left is null. */
const optionalText = (value: RawBuilder<unknown>) => sql`nullif(${text(value)}, '')`
/**
 * normalizeThemes: a set, empties dropped, sorted. "C" sorts by code point where JavaScript sorts by
 * UTF-16 code unit: the order differs only between characters past U+FFFF and U+E000-U+FFFF, and
 * equality, which decides the change, not at all.
 */
const themeSet = (themes: RawBuilder<unknown>) => sql`
  coalesce((select array_agg(t order by t collate "C") from (select distinct ${text(sql.ref('u.raw'))} as t from unnest(${themes}) u(raw)) s where t <> ''), '{}'::text[])`
// In diffVersions' order, with their normalization; the JSON names of FieldChange.field.
const PLAIN_FIELDS = [
  ['url', 'url', text], ['title', 'title', optionalText], ['type', 'type', optionalText], ['date', 'date', optionalText],
  ['end_date', 'endDate', optionalText], ['document_type', 'documentType', optionalText],
] as const
// Per field: whether the stored values differ (`*_differs`), and then both normalized (b_*, a_*).
const fieldPair = (column: string, differ: RawBuilder<unknown>, normalize: (value: RawBuilder<unknown>) => RawBuilder<unknown>) => sql`
  ${differ} as ${sql.ref(`${column}_differs`)},
  case when ${differ} then ${normalize(sql.ref(`b.${column}`))} end as ${sql.ref(`b_${column}`)},
  case when ${differ} then ${normalize(sql.ref(`a.${column}`))} end as ${sql.ref(`a_${column}`)}`
const storedDiffer = (column: string) => sql`${sql.ref(`b.${column}`)} is distinct from ${sql.ref(`a.${column}`)}`
const pairColumns = sql.join([
  ...PLAIN_FIELDS.map(([column, , normalize]) => fieldPair(column, storedDiffer(column), normalize)),
  fieldPair('themes', storedDiffer('themes'), themeSet),
  fieldPair('summary', sql`(b.summary, b.summary_truncated) is distinct from (a.summary, a.summary_truncated)`, optionalText),
  sql`b.summary_truncated as b_truncated, a.summary_truncated as a_truncated`,
])
const differs = (column: string) => sql`${sql.ref(`${column}_differs`)} and ${sql.ref(`b_${column}`)} is distinct from ${sql.ref(`a_${column}`)}`
const plainChange = ([column, field]: (typeof PLAIN_FIELDS)[number]) => sql`
  case when ${differs(column)} then jsonb_build_object('field', ${sql.lit(field)}::text, 'before', ${sql.ref(`b_${column}`)}, 'after', ${sql.ref(`a_${column}`)}) end`
const themesChange = sql`
  case when ${differs('themes')} then jsonb_build_object('field', 'themes'::text, 'before', to_jsonb(b_themes), 'after', to_jsonb(a_themes),
    'added', to_jsonb(array(select t from unnest(a_themes) with ordinality u(t, i) where t <> all(b_themes) order by i)),
    'removed', to_jsonb(array(select t from unnest(b_themes) with ordinality u(t, i) where t <> all(a_themes) order by i))) end`
const visible = (side: 'a' | 'b') =>
  sql`case when ${sql.ref(`${side}_truncated`)} then rtrim(regexp_replace(${sql.ref(`${side}_summary`)}, ${CUT_MARK}, ''), ' ') else ${sql.ref(`${side}_summary`)} end`
// A summary is no change when equal, or when one side is the listing's cut of the other (either way round).
const summaryChange = sql`
  case
    when not summary_differs or (b_summary is not distinct from a_summary and b_truncated = a_truncated) then null
    when b_summary is null or a_summary is null then true
    when a_truncated and starts_with(${visible('b')}, ${visible('a')}) then null
    when b_truncated and starts_with(${visible('a')}, ${visible('b')}) then null
    else true
  end`
const fieldChanges = [
  ...PLAIN_FIELDS.map(plainChange),
  themesChange,
  sql`case when ${summaryChange} then jsonb_build_object('field', 'summary'::text, 'before', b_summary, 'after', a_summary) end`,
]

/**
 * `changed` / `moved`: every pair of versions whose normalized fields differ beyond a cut summary,
 * with its field changes as diffVersions gives them; `moved` when the URL is one of them.
 */
export async function insertChangeEvents(db: Db, runId: number, at: Date): Promise<ChangeEvent[]> {
  return recorded(db, sql<EventRow>`
    with pairs as materialized (
      select a.entry_id, b.id as before_id, a.id as after_id, ${versionColumns('a')}, ${pairColumns}
      from ${versionPairsIn(runId)}
    ), compared as materialized (
      select p.*, ${differs('url')} as moved,
        (select coalesce(jsonb_agg(c.change order by c.n), '[]'::jsonb)
         from (values ${sql.join(fieldChanges.map((change, index) => sql`(${sql.lit(index)}, ${change})`))}) c(n, change) where c.change is not null) as changes
      from pairs p
    ), shown as materialized (
      select c.*, e.entry_key, seen.listing_id, seen.seen_on
      from compared c join entry e on e.id = c.entry_id cross join ${seenIn(runId, 'c.entry_id')}
      where c.changes <> '[]'::jsonb
    ), inserted as (
      insert into change_event (run_id, entry_id, kind, version_id, previous_version_id, listing_id, changes, created_at)
      select ${runId}, s.entry_id, case when s.moved then 'moved' else 'changed' end, s.after_id, s.before_id, s.listing_id, s.changes, ${at}
      from shown s
      on conflict (run_id, entry_id, kind) do nothing
      returning *
    ) ${insertedShown}`)
}

// The entries run R finds removed: E, not removed, last sighted in run S < R, and for EVERY listing L
// it was sighted on in S: L's crawl in R is complete, and L had at least `removeAfter` complete crawls
// in (S, R]. Partial and failed crawls never count. An entry found unlisted (its page still answered)
// since it was last sighted is not one of them. `gone` holds one listing each: the lowest id.
const goneCtes = (runId: number, removeAfter: number) => sql`
    with seen_last as (
      select distinct e.id as entry_id, e.last_seen_run as last_run, s.listing_id
      from entry e join sighting s on s.entry_id = e.id and s.run_id = e.last_seen_run
      where e.removed_at is null and e.last_seen_run < ${runId}
        and (e.unlisted_run is null or e.unlisted_run < e.last_seen_run)
    ), gone as (
      select entry_id, min(listing_id) as listing_id
      from seen_last sl
      group by entry_id
      having bool_and(
        exists (select 1 from listing_crawl lc where lc.run_id = ${runId} and lc.listing_id = sl.listing_id and lc.status = 'complete')
        and (select count(*) from listing_crawl lc
             where lc.listing_id = sl.listing_id and lc.run_id > sl.last_run and lc.run_id <= ${runId} and lc.status = 'complete') >= ${removeAfter}
      )
    )`

// A list of ids as one parameter, whatever its length.
const idsIn = (ids: readonly number[]) => sql`(select value::int from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`

/** An entry run R would report removed, with its URL and the listing it vanished from: to be asked first. */
export interface RemovalCandidate {
  entryId: number
  url: string
  listingId: number
  listingUrl: string
  sourceId: string
}

export async function removalCandidates(db: Db, runId: number, removeAfter: number): Promise<RemovalCandidate[]> {
  const result = await sql<RemovalCandidate>`
    ${goneCtes(runId, removeAfter)}
    select g.entry_id as "entryId", v.url, g.listing_id as "listingId", l.url as "listingUrl", l.source_id as "sourceId"
    from gone g
    join entry_version v on v.entry_id = g.entry_id and v.valid_to_run is null
    join listing l on l.id = g.listing_id
    order by g.entry_id`.execute(db)
  return result.rows
}

/**
 * `removed`: the entries of `goneCtes`, or only those of them in `only` (the ones whose pages were asked
 * and are gone). Marks the entries removed in the same statement.
 */
export async function insertRemovedEvents(db: Db, runId: number, removeAfter: number, at: Date, only: readonly number[] | null = null): Promise<ChangeEvent[]> {
  return recorded(db, sql<EventRow>`
    ${goneCtes(runId, removeAfter)}, inserted as (
      insert into change_event (run_id, entry_id, kind, version_id, listing_id, created_at)
      select ${runId}, g.entry_id, 'removed', v.id, g.listing_id, ${at}
      from gone g join entry_version v on v.entry_id = g.entry_id and v.valid_to_run is null
      where ${only === null ? sql`true` : sql`g.entry_id in ${idsIn(only)}`}
      on conflict (run_id, entry_id, kind) do nothing
      returning *
    ), marked as (
      update entry set removed_at = ${at}, removed_run = ${runId}
      from inserted where entry.id = inserted.entry_id
    ) ${insertedEvents}`)
}

/** Entries gone from their listings whose own pages still answered in run R: not removed, not asked again until sighted. */
export async function markUnlisted(db: Db, runId: number, entryIds: readonly number[]): Promise<void> {
  if (entryIds.length === 0) return
  await sql`update entry set unlisted_run = ${runId} where id in ${idsIn(entryIds)}`.execute(db)
}

/** `reappeared`: a removed entry sighted in run R. Clears its removal in the same statement. */
export async function insertReappearedEvents(db: Db, runId: number, at: Date): Promise<ChangeEvent[]> {
  return recorded(db, sql<EventRow>`
    with back as (
      select e.id as entry_id, ${listingSeenIn(runId, 'e.id')} as listing_id
      from entry e
      where e.removed_at is not null and coalesce(e.removed_run, 0) < ${runId}
    ), inserted as (
      insert into change_event (run_id, entry_id, kind, version_id, listing_id, created_at)
      select ${runId}, b.entry_id, 'reappeared', v.id, b.listing_id, ${at}
      from back b join entry_version v on v.entry_id = b.entry_id and ${openAtEnd('v', runId)}
      where b.listing_id is not null
      on conflict (run_id, entry_id, kind) do nothing
      returning *
    ), cleared as (
      update entry set removed_at = null, removed_run = null
      from inserted where entry.id = inserted.entry_id
    ) ${insertedEvents}`)
}
