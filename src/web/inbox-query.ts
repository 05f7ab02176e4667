// The inbox's filters as query parameters: one schema for the page and the API, so a filtered view
// is a URL (bookmarked, shared, followed from the page to its JSON). A GET form sends a blank field
// for "any": blank means no filter.
import { z } from 'zod'
import type { ChangeKind } from '../../domain/change.ts'
import type { InboxFilter } from '../../db/inbox.ts'

export const CHANGE_KINDS = ['new', 'changed', 'moved', 'removed', 'reappeared'] as const satisfies readonly ChangeKind[]

const blankOr = <T extends z.ZodType>(schema: T) => z.union([schema, z.literal('')]).optional()

export const inboxFilterQuery = z.object({
  listing: blankOr(z.string().max(200)).describe('a listing by its source name'),
  kind: blankOr(z.enum(CHANGE_KINDS)),
  type: blankOr(z.string().max(100)).describe("the entry's type (news, publication, event, case study)"),
  theme: blankOr(z.string().max(100)),
  from: blankOr(z.iso.date()).describe('runs started on or after this day (UTC)'),
  to: blankOr(z.iso.date()).describe('runs started on or before this day (UTC)'),
  q: blankOr(z.string().max(200)).describe('words in the title or summary'),
  show: z.enum(['unread', 'all']).default('unread').describe('unread: what the viewer has not read yet (the default); all: every change'),
})

export type InboxFilterQuery = z.infer<typeof inboxFilterQuery>

const FILTER_KEYS = ['listing', 'kind', 'type', 'theme', 'from', 'to', 'q', 'show'] as const

export function inboxFilterOf(query: InboxFilterQuery): InboxFilter {
  const value = (text: string | undefined) => (text === undefined || text.trim() === '' ? null : text.trim())
  return {
    listing: value(query.listing),
    kind: query.kind === undefined || query.kind === '' ? null : query.kind,
    type: value(query.type),
    theme: value(query.theme),
    from: value(query.from),
    to: value(query.to),
    words: value(query.q),
    unread: query.show === 'unread',
  }
}

/** The query string of a filter (only what is set), for links and redirects back to the same view. */
export function inboxSearch(query: InboxFilterQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams()
  for (const key of FILTER_KEYS) {
    const value = query[key]
    if (value !== undefined && value !== '' && !(key === 'show' && value === 'unread')) params.set(key, value)
  }
  for (const [key, value] of Object.entries(extra)) params.set(key, value)
  const search = params.toString()
  return search === '' ? '' : `?${search}`
}
