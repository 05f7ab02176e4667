// A search over entries as the web page, the API and the downloads ask it (db/search.ts answers).

/**
 * How the entries were matched: `all` (no words: every entry, newest first), `words` (full-text,
 * best first), `fuzzy` (no full-text match: titles like the words, most alike first).
 */
export type SearchMode = 'all' | 'words' | 'fuzzy'

/** `relevance`: best match first (newest first without words); `newest`: by date, undated last. */
export type SearchSort = 'relevance' | 'newest'

/**
 * Where a page of results ends: the next page starts after this entry in the order of the search,
 * `key` its date ('' for none) when sorted by date, its rank otherwise.
 */
export interface SearchCursor {
  mode: SearchMode
  key: string | number
  entryId: number
}

export interface EntrySearch {
  /** websearch_to_tsquery syntax: "a phrase", -not, or; empty for every entry. */
  words: string
  /** A listing's source name. */
  listing: string | null
  type: string | null
  theme: string | null
  year: number | null
  sort: SearchSort
  limit: number
  after: SearchCursor | null
}

/** Marks around the words a snippet matched: control characters, which site text never keeps. */
export const MATCH_START = '\u0001'
export const MATCH_END = '\u0002'

/** Whether a search is ordered by date (else by rank): its cursors' key is a date. */
export function sortsByDate(search: Pick<EntrySearch, 'words' | 'sort'>): boolean {
  return search.sort === 'newest' || search.words.trim() === ''
}

/** The cursor as an opaque URL-safe token. */
export function encodeSearchCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify([cursor.mode, cursor.key, cursor.entryId])).toString('base64url')
}

/** The cursor a token stands for in this search; null for anything that is not one of its cursors. */
export function decodeSearchCursor(token: string, search: Pick<EntrySearch, 'words' | 'sort'>): SearchCursor | null {
  let parts: unknown
  try {
    parts = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
  } catch {
    return null
  }
  if (!Array.isArray(parts) || parts.length !== 3) return null
  const [mode, key, entryId] = parts as unknown[]
  if (typeof entryId !== 'number' || !Number.isSafeInteger(entryId) || entryId < 0) return null
  const modes: readonly SearchMode[] = search.words.trim() === '' ? ['all'] : ['words', 'fuzzy']
  const known = modes.find((candidate) => candidate === mode)
  const fits = sortsByDate(search) ? typeof key === 'string' && /^(\d{4}-\d{2}-\d{2})?$/.test(key) : typeof key === 'number' && Number.isFinite(key)
  return known !== undefined && fits ? { mode: known, key: key as string | number, entryId } : null
}
