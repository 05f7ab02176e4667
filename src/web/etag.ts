// A weak ETag of a JSON answer's body, and 304 Not Modified when the client already holds it:
// a poller of a list pays for the query, not for the transfer.
import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'

/** An `onSend` hook for GET routes answering JSON. */
export async function weakEtag(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  if (reply.statusCode !== 200 || typeof payload !== 'string') return payload
  const etag = `W/"${createHash('sha256').update(payload).digest('base64url').slice(0, 27)}"`
  reply.header('etag', etag)
  if (!matches(request.headers['if-none-match'], etag)) return payload
  reply.code(304)
  return ''
}

function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  // weak comparison: W/ is ignored on either side
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '')
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag))
}
