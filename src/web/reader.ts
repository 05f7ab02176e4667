// Whose read marks a request reads and writes: the viewer's name (`local` for the implicit admin).
import type { FastifyRequest } from 'fastify'

export function readerOf(request: FastifyRequest): string {
  if (request.viewer === null) throw Object.assign(new Error('sign in to see your changes'), { statusCode: 401 })
  return request.viewer.name
}
