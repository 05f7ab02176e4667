// What every API v1 answer shares: lists as { items, next } with an opaque cursor, a weak ETag of
// the body honoured with 304.
import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'

export const ApiError = z.object({ error: z.number(), message: z.string() })

export const ListQuery = z.object({
  cursor: z.string().optional().describe('the `next` of the page before'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
})

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next: z.string().nullable() })
}

/** The cursor after an id (lists ordered by id, newest first). */
export function cursorAfter(id: number): string {
  return Buffer.from(`before:${id}`).toString('base64url')
}

/** The id a cursor continues below; null without one; an error (400) for a cursor we never gave. */
export function idBefore(cursor: string | undefined): number | null {
  if (cursor === undefined) return null
  const match = /^before:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString())
  if (match === null) throw Object.assign(new Error(`cursor ${JSON.stringify(cursor)} is not one this server gave`), { statusCode: 400 })
  return Number(match[1])
}

/** The next cursor when the page is full. */
export function nextCursor<T extends { id: number }>(items: readonly T[], limit: number): string | null {
  const last = items.at(-1)
  return items.length === limit && last !== undefined ? cursorAfter(last.id) : null
}

/** The body with a weak ETag; 304 without a body when the client holds it already. */
export function withEtag<T>(request: FastifyRequest, reply: FastifyReply, body: T): T | FastifyReply {
  const etag = `W/"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`
  reply.header('etag', etag)
  if (request.headers['if-none-match'] === etag) return reply.code(304).send()
  return body
}
