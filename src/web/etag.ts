// Weak ETags of JSON bodies (SERVE.md, API v1): a client that sends the tag it has gets 304 and no body.
import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'

/** Sets the body's ETag; true when the client has it already (304 sent, nothing more to send). */
export function notModified(request: FastifyRequest, reply: FastifyReply, body: unknown): boolean {
  const tag = `W/"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 32)}"`
  reply.header('etag', tag)
  const asked = request.headers['if-none-match']
  if (asked === undefined) return false
  // weak comparison: W/ is ignored on either side; * matches any body
  const opaque = (value: string) => value.trim().replace(/^W\//, '')
  const matches = asked.split(',').some((value) => value.trim() === '*' || opaque(value) === opaque(tag))
  if (matches) reply.code(304).send()
  return matches
}
