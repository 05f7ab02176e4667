// What every API v1 answer shares: its errors, lists as { items, next } with an opaque cursor
// (the ETag is app.ts's hook, etag.ts). Lists ordered by id share one cursor: the search's keeps
// its own (domain/entry-search.ts), ordered by rank or date.
import { z } from 'zod'

export const ApiError = z.object({ error: z.number(), message: z.string() })

export const ListQuery = z.object({
  cursor: z.string().max(100).optional().describe("the previous page's `next`"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
})

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next: z.string().nullable() })
}

/** The cursor after an id (lists ordered by id, newest first). */
export function cursorAfter(id: number): string {
  return Buffer.from(`before:${id}`).toString('base64url')
}

/** The id a cursor continues below, or null when it is not one this server gave. */
export function decodeCursor(cursor: string): number | null {
  const match = /^before:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString())
  return match === null ? null : Number(match[1])
}

/** The id a cursor continues below; null without one; an error (400) for a cursor we never gave. */
export function idBefore(cursor: string | undefined): number | null {
  if (cursor === undefined) return null
  const id = decodeCursor(cursor)
  if (id === null) throw Object.assign(new Error(`querystring cursor: ${JSON.stringify(cursor)} is not one this server gave (take it from the list's \`next\`)`), { statusCode: 400 })
  return id
}

/** The next cursor when the page is full. */
export function nextCursor<T extends { id: number }>(items: readonly T[], limit: number): string | null {
  const last = items.at(-1)
  return items.length === limit && last !== undefined ? cursorAfter(last.id) : null
}

