// Full-text search over entries (entry_search, kept by the triggers of
// db/migrations/2026_12_07_0300_search.ts): words in websearch syntax ranked by weight (title,
// summary, detail page), snippets with the matched words marked, facet counts over the whole
// matching set, keyset pages. Words the full text finds nowhere are tried as a misspelt title.
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
  /** Entries matching the words and filters, over every page. */
  total: number
  hits: EntryHit[]
  next: SearchCursor | null
  /** Counts over the matching set, each value's most frequent first (years newest first). */
  facets: SearchFacets
}

const CONFIG = sql.lit('eurowatch_search')
// ts_headline's options; the marks cannot occur in text (stripped first), so a renderer escapes
// the text and turns only them into markup.
const TITLE_OPTIONS = `HighlightAll=true, StartSel=${MATCH_START}, StopSel=${MATCH_END}`
const SNIPPET_OPTIONS = `MaxFragments=2, MinWords=12, MaxWords=30, FragmentDelimiter=" … ", StartSel=${MATCH_START}, StopSel=${MATCH_END}`
const MARKS = `${MATCH_START}${MATCH_END}`

export async function searchEntries(db: Db, search: EntrySearch): Promise<EntrySearchResult> {
  const words = search.words.trim()
  let mode: SearchMode = words === '' ? 'all' : (search.after?.mode ?? 'words')
  let counted = await countMatches(db, mode, words, search)
  if (mode === 'words' && counted.total === 0 && search.after === null) {
    mode = 'fuzzy'
    counted = await countMatches(db, mode, words, search)
  }
  const after = search.after?.mode === mode ? search.after : null
  const rows = await pageOfHits(db, mode, words, search, after)
  const hits = rows.slice(0, search.limit)
  const last = hits.at(-1)
  const next = rows.length > search.limit && last !== undefined ? { mode, key: sortsByDate(search) ? (last.date ?? '') : (last.rank ?? 0), entryId: last.entryId } : null
  return { mode, total: counted.total, hits, next, facets: counted.facets }
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
  facet: keyof SearchFacets | 'total'
  value: string | null
  count: number
}

async function countMatches(db: Db, mode: SearchMode, words: string, search: EntrySearch): Promise<{ total: number; facets: SearchFacets }> {
  const { rows } = await sql<FacetRow>`
    with m as materialized (select s.type, s.year, s.themes, s.listing_ids from entry_search s where ${matches(mode, words)} and ${filters(search)})
    select 'total' as facet, null as value, count(*) as count from m
    union all select 'type', m.type, count(*) from m where m.type is not null group by m.type
    union all select 'year', m.year::text, count(*) from m where m.year is not null group by m.year
    union all select 'theme', t.theme, count(*) from m cross join unnest(m.themes) as t(theme) group by t.theme
    union all select 'listing', l.source_id, count(*) from m cross join unnest(m.listing_ids) as u(id) join listing l on l.id = u.id group by l.source_id`.execute(db)
  const facets: SearchFacets = { listing: [], type: [], theme: [], year: [] }
  let total = 0
  for (const row of rows) {
    if (row.facet === 'total') total = row.count
    else if (row.value !== null) facets[row.facet].push({ value: row.value, count: row.count })
  }
  const byCount = (a: FacetCount, b: FacetCount) => b.count - a.count || a.value.localeCompare(b.value)
  facets.listing.sort(byCount)
  facets.type.sort(byCount)
  facets.theme.sort(byCount)
  facets.year.sort((a, b) => b.value.localeCompare(a.value))
  return { total, facets }
}

async function pageOfHits(db: Db, mode: SearchMode, words: string, search: EntrySearch, after: SearchCursor | null): Promise<EntryHit[]> {
  const rank = rankOf(mode, words)
  const byDate = sortsByDate(search)
  if (after !== null && typeof after.key !== (byDate ? 'string' : 'number')) throw new Error('searchEntries: the cursor is not one of this search')
  const sortKey = byDate ? sql`coalesce(s.date, '')` : rank
  const order = byDate ? sql`coalesce(s.date, '') desc, s.entry_id desc` : sql`rank desc, s.entry_id desc`
  const keyset = after === null ? sql`true` : sql`(${sortKey}, s.entry_id) < (${after.key}, ${after.entryId})`
  const marked = mode === 'words'
  const { rows } = await sql<EntryHit>`
    with page as (
      select s.entry_id, s.version_id, s.listing_ids, ${rank} as rank from entry_search s
      where ${matches(mode, words)} and ${filters(search)} and ${keyset}
      order by ${order} limit ${search.limit + 1})
    select p.entry_id as "entryId", e.entry_key as key, v.id as "versionId", v.url, v.title, v.type, v.date, v.themes, v.summary,
      array(select l.source_id from listing l where l.id = any(p.listing_ids) order by l.source_id) as listings,
      ${marked ? sql`ts_headline(${CONFIG}, translate(v.title, ${MARKS}, ''), ${tsquery(words)}, ${TITLE_OPTIONS})` : sql`v.title`} as "markedTitle",
      ${marked
        ? sql`ts_headline(${CONFIG}, translate(concat_ws(' … ', v.summary, left(d.text, 100000)), ${MARKS}, ''), ${tsquery(words)}, ${SNIPPET_OPTIONS})`
        : sql`v.summary`} as snippet,
      p.rank, v.valid_from as "seenAt"
    from page p join entry e on e.id = p.entry_id join entry_version v on v.id = p.version_id
    left join lateral (select d.text from entry_detail d where d.entry_id = p.entry_id and d.text is not null order by d.version_id desc limit 1) d on true
    order by ${byDate ? sql`coalesce(v.date, '') desc, p.entry_id desc` : sql`p.rank desc, p.entry_id desc`}`.execute(db)
  return rows
}
