// The query string of an entry search, shared by its page, its API and its downloads: one URL
// holds the whole search, so a view can be bookmarked, downloaded or subscribed to as it is.
import { z } from 'zod'
import { decodeSearchCursor, encodeSearchCursor, type EntrySearch, type SearchCursor } from '../../domain/entry-search.ts'

const optionalText = z.string().trim().max(200).optional().transform((value) => (value === undefined || value === '' ? null : value))

export const EntrySearchQuery = z.object({
  q: z.string().max(500).default('').describe('words in websearch syntax: "a phrase", -not, or; empty for every entry'),
  listing: optionalText.describe("a listing's source name"),
  type: optionalText,
  theme: optionalText,
  year: z.union([z.literal(''), z.coerce.number().int().min(1000).max(9999)]).optional().transform((value) => (value === undefined || value === '' ? null : value)),
  sort: z.enum(['relevance', 'newest']).default('relevance'),
  cursor: z.string().max(200).optional().describe('the `next` of the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
})

export type EntrySearchQueryInput = z.input<typeof EntrySearchQuery>
export type EntrySearchQueryValue = z.output<typeof EntrySearchQuery>

/** A request the server understood but cannot answer as asked: 400 with this message. */
export class BadSearchRequest extends Error {
  readonly statusCode = 400
}

export function toEntrySearch(query: EntrySearchQueryValue): EntrySearch {
  const search: EntrySearch = { words: query.q, listing: query.listing, type: query.type, theme: query.theme, year: query.year, sort: query.sort, limit: query.limit, after: null }
  if (query.cursor === undefined || query.cursor === '') return search
  const after = decodeSearchCursor(query.cursor, search)
  if (after === null) throw new BadSearchRequest('querystring cursor: not a cursor of this search (take it from the `next` of the same search)')
  return { ...search, after }
}

/** The search's URL on `path` with some parameters changed (null drops one); defaults and the cursor left out. */
export function searchUrl(path: string, query: EntrySearchQueryValue, changes: Partial<Record<'q' | 'listing' | 'type' | 'theme' | 'year' | 'sort' | 'cursor', string | null>> = {}): string {
  const values: Record<string, string | null> = {
    q: query.q.trim() || null,
    listing: query.listing,
    type: query.type,
    theme: query.theme,
    year: query.year === null ? null : String(query.year),
    sort: query.sort === 'relevance' ? null : query.sort,
    cursor: null,
    ...changes,
  }
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(values)) if (value !== null) params.set(name, value)
  const text = params.toString()
  return text === '' ? path : `${path}?${text}`
}

export function cursorToken(cursor: SearchCursor | null): string | null {
  return cursor === null ? null : encodeSearchCursor(cursor)
}
