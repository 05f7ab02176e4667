// The changes inbox as JSON: /api/v1/changes (the page's filters, a cursor, an ETag) and one change.
import { z } from 'zod'
import { inboxChange, inboxPage, markChange } from '../../../db/inbox.ts'
import { changeItem, changeSchema } from '../change-schema.ts'
import type { WebApp, WebAppOptions } from '../context.ts'
import { weakEtag } from '../etag.ts'
import { decodeCursor, encodeCursor, inboxFilterOf, inboxFilterQuery } from '../inbox-query.ts'
import { readerOf } from '../reader.ts'

const errorSchema = z.object({ error: z.number().int(), message: z.string() })
const changeParams = z.object({ id: z.coerce.number().int().positive() })

export default async function inboxApi(app: WebApp, options: WebAppOptions): Promise<void> {
  app.get(
    '/api/v1/changes',
    {
      schema: {
        tags: ['changes'],
        summary: 'Changes, newest first (by default only those the viewer has not read)',
        querystring: inboxFilterQuery.extend({
          cursor: z.string().max(100).optional().describe("the previous page's `next`"),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: z.object({ items: z.array(changeSchema), next: z.string().nullable() }), 400: errorSchema },
      },
      onSend: weakEtag,
    },
    async (request, reply) => {
      const { cursor, limit, ...filter } = request.query
      const before = cursor === undefined ? null : decodeCursor(cursor)
      if (before === null && cursor !== undefined) return reply.code(400).send({ error: 400, message: 'querystring cursor: not a cursor of this list' })
      const page = await inboxPage(options.db, { reader: readerOf(request), filter: inboxFilterOf(filter), before, limit })
      return { items: page.changes.map(changeItem), next: page.next === null ? null : encodeCursor(page.next) }
    },
  )

  app.get(
    '/api/v1/changes/:id',
    {
      schema: { tags: ['changes'], summary: 'One change', params: changeParams, response: { 200: changeSchema, 404: errorSchema } },
      onSend: weakEtag,
    },
    async (request, reply) => {
      const change = await inboxChange(options.db, readerOf(request), request.params.id)
      if (change === null) return reply.code(404).send({ error: 404, message: `no change ${request.params.id}` })
      return changeItem(change)
    },
  )

  app.post(
    '/api/v1/changes/:id/read',
    {
      schema: {
        tags: ['changes'],
        summary: "Marks a change read (or unread again) for the viewer",
        params: changeParams,
        body: z.object({ read: z.boolean().default(true) }).default({ read: true }),
        response: { 200: z.object({ id: z.number().int(), read: z.boolean() }), 404: errorSchema },
      },
    },
    async (request, reply) => {
      const { id } = request.params
      const { read } = request.body
      if (!(await markChange(options.db, readerOf(request), id, read))) return reply.code(404).send({ error: 404, message: `no change ${id}` })
      return { id, read }
    },
  )
}
