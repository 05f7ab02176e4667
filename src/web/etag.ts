// A weak ETag of every API answer's JSON body, and 304 Not Modified when the client already holds
// it: a poller of a list pays for the query, not for the transfer. One hook for the whole API
// (app.ts), so no route can forget it.
import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'

/** An `onSend` hook: a GET under /api/v1/ answered 200 gets its ETag; anything else passes untouched. */
export async function weakEtag(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  if (!isApiRead(request) || reply.statusCode !== 200 || typeof payload !== 'string') return payload
  const etag = `W/"${createHash('sha256').update(payload).digest('base64url').slice(0, 27)}"`
  reply.header('etag', etag)
  if (!matches(request.headers['if-none-match'], etag)) return payload
  reply.code(304)
  return ''
}

function isApiRead(request: FastifyRequest): boolean {
  return (request.method === 'GET' || request.method === 'HEAD') && request.url.startsWith('/api/v1/')
}

function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  // weak comparison: W/ is ignored on either side
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '')
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag))
}
