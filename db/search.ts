// Full-text search over entries (entry_search, kept by the triggers of
// db/migrations/2026_12_07_0300_search.ts): words in websearch syntax ranked by weight (title,
// summary, detail page), snippets with the matched words marked, facet counts, keyset pages.
// Words the full text finds nowhere are tried as a misspelt title.
//
// The work is bounded: a common word matches a third of a million entries, and reading every
// match to count, facet and rank them takes seconds. So a search reads at most the newest
// `MATCH_BOUND` matches: under it, counts, facets and ranking are exact; over it, the facets and
// the best-match order cover those newest matches, and the total is the planner's estimate.
// Ordered by date, pages go through every match (the date index walks them in order).
import { sql, type Kysely, type RawBuilder } from 'kysely'
import { MATCH_END, MATCH_START, sortsByDate, type EntrySearch, type SearchCursor, type SearchMode } from '../domain/entry-search.ts'
import type { Database } from './schema.ts'

type Db = Kysely<Database>

export interface EntryHit {
  entryId: number
  key: string
  versionId: number
  url: string
  title: string | null
  type: string | null
  /** 'YYYY-MM-DD' */
  date: string | null
  themes: string[]
  summary: string | null
  /** Source names of every listing the entry was sighted on. */
  listings: string[]
  /** The title with matched words between MATCH_START and MATCH_END (the title itself when nothing is marked). */
  markedTitle: string | null
  /** A few fragments of the summary and detail-page text with matched words marked; the summary without words. */
  snippet: string | null
  /** Higher is better; null without words. */
  rank: number | null
  /** When eurowatch first saw this version. */
  seenAt: Date
}

export interface FacetCount {
  value: string
  count: number
}

export interface SearchFacets {
  listing: FacetCount[]
  type: FacetCount[]
  theme: FacetCount[]
  year: FacetCount[]
}

export interface EntrySearchResult {
  mode: SearchMode
  /** Entries matching the words and filters, over every page: exact, or an estimate (see `exact`). */
  total: number
  /** False when more entries match than a search reads: `total` is then the planner's estimate. */
  exact: boolean
  /** How many of the newest matches the facets and the best-match order cover: all of them when `exact`. */
  counted: number
  hits: EntryHit[]
  next: SearchCursor | null
  /** Counts over the counted matches, each value's most frequent first (years newest first). */
  facets: SearchFacets
}

/** The most matches a search reads; see the head of this file. */
export const MATCH_BOUND = 2000

const CONFIG = sql.lit('eurowatch_search')
// ts_headline's options; the marks cannot occur in text (stripped first), so a renderer escapes
// the text and turns only them into markup.
const TITLE_OPTIONS = `HighlightAll=true, StartSel=${MATCH_START}, StopSel=${MATCH_END}`
const SNIPPET_OPTIONS = `MaxFragments=2, MinWords=12, MaxWords=30, FragmentDelimiter=" … ", StartSel=${MATCH_START}, StopSel=${MATCH_END}`
const MARKS = `${MATCH_START}${MATCH_END}`

export async function searchEntries(db: Db, search: EntrySearch, bound = MATCH_BOUND): Promise<EntrySearchResult> {
  const words = search.words.trim()
  let mode: SearchMode = words === '' ? 'all' : (search.after?.mode ?? 'words')
  let matched = await newestMatches(db, mode, words, search, bound)
  if (mode === 'words' && matched.counted === 0 && search.after === null) {
    mode = 'fuzzy'
    matched = await newestMatches(db, mode, words, search, bound)
  }
  const after = search.after?.mode === mode ? search.after : null
  const rows = sortsByDate(search) ? await pageByDate(db, mode, words, search, after) : await pageByRank(db, mode, words, search, after, matched.ranked)
  const hits = rows.slice(0, search.limit)
  const last = hits.at(-1)
  const next = rows.length > search.limit && last !== undefined ? { mode, key: sortsByDate(search) ? (last.date ?? '') : (last.rank ?? 0), entryId: last.entryId } : null
  const total = matched.exact ? matched.counted : Math.max(await estimatedMatches(db, mode, words, search), matched.counted + 1)
  return { mode, total, exact: matched.exact, counted: matched.counted, hits, next, facets: matched.facets }
}

/** A page of the search in date order, without counts or facets: what a download streams, page by page, over every match. */
export async function searchByDate(db: Db, search: EntrySearch): Promise<{ hits: EntryHit[]; next: SearchCursor | null }> {
  const words = search.words.trim()
  let mode: SearchMode = words === '' ? 'all' : (search.after?.mode ?? 'words')
  const byDate = { ...search, sort: 'newest' as const }
  let rows = await pageByDate(db, mode, words, byDate, search.after)
  if (mode === 'words' && rows.length === 0 && search.after === null) {
    mode = 'fuzzy'
    rows = await pageByDate(db, mode, words, byDate, null)
  }
  const hits = rows.slice(0, search.limit)
  const last = hits.at(-1)
  return { hits, next: rows.length > search.limit && last !== undefined ? { mode, key: last.date ?? '', entryId: last.entryId } : null }
}

/** The words as a query: quotes for phrases, `-` for not, `or`. */
function tsquery(words: string): RawBuilder<unknown> {
  return sql`websearch_to_tsquery(${CONFIG}, ${words})`
}

function matches(mode: SearchMode, words: string): RawBuilder<unknown> {
  if (mode === 'all') return sql`true`
  if (mode === 'words') return sql`s.document @@ ${tsquery(words)}`
  return sql`eurowatch_unaccent(${words}) <% eurowatch_unaccent(s.title)`
}

function rankOf(mode: SearchMode, words: string): RawBuilder<number | null> {
  if (mode === 'all') return sql`null::float8`
  if (mode === 'words') return sql`ts_rank(s.document, ${tsquery(words)})::float8`
  return sql`word_similarity(eurowatch_unaccent(${words}), eurowatch_unaccent(s.title))::float8`
}

function filters(search: EntrySearch): RawBuilder<unknown> {
  const conditions: RawBuilder<unknown>[] = []
  if (search.listing !== null) conditions.push(sql`s.listing_ids && array(select l.id from listing l where l.source_id = ${search.listing})`)
  if (search.type !== null) conditions.push(sql`s.type = ${search.type}`)
  if (search.theme !== null) conditions.push(sql`s.themes @> array[${search.theme}]::text[]`)
  if (search.year !== null) conditions.push(sql`s.year = ${search.year}`)
  return conditions.length === 0 ? sql`true` : sql.join(conditions, sql` and `)
}

interface FacetRow {
  facet: keyof SearchFacets | 'matched' | 'ranked'
  value: string | null
  count: number
  ids: number[] | null
  ranks: number[] | null
}

/** An entry among the matches read, with its rank: the best-match order is decided on these. */
interface RankedMatch {
  entryId: number
  rank: number
}

interface NewestMatches {
  /** How many matches were read: at most `bound`. */
  counted: number
  /** Whether they are all the matches. */
  exact: boolean
  facets: SearchFacets
  /** The matches read, best first. */
  ranked: RankedMatch[]
}

const NEWEST = sql`coalesce(s.date, '') desc, s.entry_id desc`

/** The newest `bound` matches (one more, to know if there are more): their count, facets and ranks, in one statement. */
async function newestMatches(db: Db, mode: SearchMode, words: string, search: EntrySearch, bound: number): Promise<NewestMatches> {
  // a search in date order needs no ranks: its pages walk every match by date
  const ranks = !sortsByDate(search)
  const { rows } = await sql<FacetRow>`
    with probe as materialized (
      select s.entry_id, coalesce(s.date, '') as day, s.type, s.year, s.themes, s.listing_ids, ${ranks ? rankOf(mode, words) : sql`null::float8`} as rank
      from entry_search s where ${matches(mode, words)} and ${filters(search)}
      order by ${NEWEST} limit ${bound + 1}),
    m as materialized (select * from probe order by day desc, entry_id desc limit ${bound})
    select 'matched' as facet, null as value, (select count(*) from probe)::int as count, null::int[] as ids, null::float8[] as ranks
    union all select 'ranked', null, 0, array_agg(m.entry_id order by m.rank desc, m.entry_id desc), array_agg(m.rank order by m.rank desc, m.entry_id desc) from m where ${ranks}
    union all select 'type', m.type, count(*), null, null from m where m.type is not null group by m.type
    union all select 'year', m.year::text, count(*), null, null from m where m.year is not null group by m.year
    union all select 'theme', t.theme, count(*), null, null from m cross join unnest(m.themes) as t(theme) group by t.theme
    union all select 'listing', l.source_id, count(*), null, null from m cross join unnest(m.listing_ids) as u(id) join listing l on l.id = u.id group by l.source_id`.execute(db)
  const facets: SearchFacets = { listing: [], type: [], theme: [], year: [] }
  let matched = 0
  let ranked: RankedMatch[] = []
  for (const row of rows) {
    if (row.facet === 'matched') matched = Number(row.count)
    else if (row.facet === 'ranked') ranked = (row.ids ?? []).map((entryId, index) => ({ entryId, rank: row.ranks?.[index] ?? 0 }))
    else if (row.value !== null) facets[row.facet].push({ value: row.value, count: Number(row.count) })
  }
  const byCount = (a: FacetCount, b: FacetCount) => b.count - a.count || a.value.localeCompare(b.value)
  facets.listing.sort(byCount)
  facets.type.sort(byCount)
  facets.theme.sort(byCount)
  facets.year.sort((a, b) => b.value.localeCompare(a.value))
  return { counted: Math.min(matched, bound), exact: matched <= bound, facets, ranked }
}

/** The planner's estimate of the matches: what counting them all would cost seconds to say exactly. */
async function estimatedMatches(db: Db, mode: SearchMode, words: string, search: EntrySearch): Promise<number> {
  const { rows } = await sql<{ 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }>`
    explain (format json) select 1 from entry_search s where ${matches(mode, words)} and ${filters(search)}`.execute(db)
  return Math.round(rows[0]?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0)
}

/** A page in date order, through every match: the date index walks them. */
async function pageByDate(db: Db, mode: SearchMode, words: string, search: EntrySearch, after: SearchCursor | null): Promise<EntryHit[]> {
  if (after !== null && typeof after.key !== 'string') throw new Error('searchEntries: the cursor is not one of this search')
  const keyset = after === null ? sql`true` : sql`(coalesce(s.date, ''), s.entry_id) < (${after.key}, ${after.entryId})`
  return hydrated(db, mode, words, sql`
    select s.entry_id, s.version_id, s.listing_ids, ${rankOf(mode, words)} as rank from entry_search s
    where ${matches(mode, words)} and ${filters(search)} and ${keyset}
    order by ${NEWEST} limit ${search.limit + 1}`, sql`coalesce(v.date, '') desc, p.entry_id desc`)
}

/** A page in best-match order, after the cursor in the matches read and ranked. */
async function pageByRank(db: Db, mode: SearchMode, words: string, search: EntrySearch, after: SearchCursor | null, ranked: RankedMatch[]): Promise<EntryHit[]> {
  if (after !== null && typeof after.key !== 'number') throw new Error('searchEntries: the cursor is not one of this search')
  const start = after === null ? 0 : ranked.findIndex(({ rank, entryId }) => rank < (after.key as number) || (rank === after.key && entryId < after.entryId))
  const page = start < 0 ? [] : ranked.slice(start, start + search.limit + 1)
  if (page.length === 0) return []
  return hydrated(db, mode, words, sql`
    select s.entry_id, s.version_id, s.listing_ids, p.rank from unnest(${page.map((match) => match.entryId)}::int[], ${page.map((match) => match.rank)}::float8[]) as p(entry_id, rank)
    join entry_search s on s.entry_id = p.entry_id`, sql`p.rank desc, p.entry_id desc`)
}

/** The page's entries with what a hit shows: the version, its listings, the words marked in title and snippet. */
async function hydrated(db: Db, mode: SearchMode, words: string, page: RawBuilder<unknown>, order: RawBuilder<unknown>): Promise<EntryHit[]> {
  const marked = mode === 'words'
  const { rows } = await sql<EntryHit>`
    with page as (${page})
    select p.entry_id as "entryId", e.entry_key as key, v.id as "versionId", v.url, v.title, v.type, v.date, v.themes, v.summary,
      array(select l.source_id from listing l where l.id = any(p.listing_ids) order by l.source_id) as listings,
      ${marked ? sql`ts_headline(${CONFIG}, translate(v.title, ${MARKS}, ''), ${tsquery(words)}, ${TITLE_OPTIONS})` : sql`v.title`} as "markedTitle",
      ${marked
        ? sql`ts_headline(${CONFIG}, translate(concat_ws(' … ', v.summary, left(d.text, 100000)), ${MARKS}, ''), ${tsquery(words)}, ${SNIPPET_OPTIONS})`
        : sql`v.summary`} as snippet,
      p.rank, v.valid_from as "seenAt"
    from page p join entry e on e.id = p.entry_id join entry_version v on v.id = p.version_id
    left join lateral (select d.text from entry_detail d where d.entry_id = p.entry_id and d.text is not null order by d.version_id desc limit 1) d on true
    order by ${order}`.execute(db)
  return rows
}
