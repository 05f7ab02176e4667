// A search over entries as the web page, the API and the downloads ask it (db/search.ts answers).

/**
 * How the entries were matched: `all` (no words: every entry, newest first), `words` (full-text,
 * best first), `fuzzy` (no full-text match: titles like the words, most alike first).
 */
export type SearchMode = 'all' | 'words' | 'fuzzy'

/** Where a page of results ends: the next page starts after this entry in the mode's order. */
export type SearchCursor =
  | { mode: 'all'; date: string; entryId: number }
  | { mode: 'words' | 'fuzzy'; rank: number; entryId: number }

export interface EntrySearch {
  /** websearch_to_tsquery syntax: "a phrase", -not, or; empty for every entry. */
  words: string
  /** A listing's source name. */
  listing: string | null
  type: string | null
  theme: string | null
  year: number | null
  limit: number
  after: SearchCursor | null
}

/** Marks around the words a snippet matched: control characters, which site text never keeps. */
export const MATCH_START = '\u0001'
export const MATCH_END = '\u0002'

/** The cursor as an opaque URL-safe token. */
export function encodeSearchCursor(cursor: SearchCursor): string {
  const parts = cursor.mode === 'all' ? [cursor.mode, cursor.date, cursor.entryId] : [cursor.mode, cursor.rank, cursor.entryId]
  return Buffer.from(JSON.stringify(parts)).toString('base64url')
}

/** The cursor a token stands for; null for anything that is not one of ours. */
export function decodeSearchCursor(token: string): SearchCursor | null {
  let parts: unknown
  try {
    parts = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
  } catch {
    return null
  }
  if (!Array.isArray(parts) || parts.length !== 3) return null
  const [mode, key, entryId] = parts as unknown[]
  if (typeof entryId !== 'number' || !Number.isSafeInteger(entryId) || entryId < 0) return null
  if (mode === 'all' && typeof key === 'string' && /^(\d{4}-\d{2}-\d{2})?$/.test(key)) return { mode, date: key, entryId }
  if ((mode === 'words' || mode === 'fuzzy') && typeof key === 'number' && Number.isFinite(key)) return { mode, rank: key, entryId }
  return null
}
