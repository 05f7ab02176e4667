// The changes inbox as JSON: /api/v1/changes (the page's filters, a cursor, an ETag) and one change.
import { z } from 'zod'
import { inboxChange, inboxPage, markChange } from '../../../db/inbox.ts'
import { ApiError, cursorAfter, idBefore, ListQuery, listOf } from '../api-list.ts'
import { changeItem, changeSchema } from '../change-schema.ts'
import type { WebApp, WebAppOptions } from '../context.ts'
import { inboxFilterOf, inboxFilterQuery } from '../inbox-query.ts'
import { readerOf } from '../reader.ts'

const changeParams = z.object({ id: z.coerce.number().int().positive() })

export default async function inboxApi(app: WebApp, options: WebAppOptions): Promise<void> {
  app.get(
    '/api/v1/changes',
    {
      schema: {
        tags: ['changes'],
        summary: 'Changes, newest first (by default only those the viewer has not read)',
        querystring: inboxFilterQuery.extend(ListQuery.shape),
        response: { 200: listOf(changeSchema), 400: ApiError },
      },
    },
    async (request) => {
      const { cursor, limit, ...filter } = request.query
      const page = await inboxPage(options.db, { reader: readerOf(request), filter: inboxFilterOf(filter), before: idBefore(cursor), limit })
      return { items: page.changes.map(changeItem), next: page.next === null ? null : cursorAfter(page.next) }
    },
  )

  app.get(
    '/api/v1/changes/:id',
    {
      schema: { tags: ['changes'], summary: 'One change', params: changeParams, response: { 200: changeSchema, 404: ApiError } },
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
        response: { 200: z.object({ id: z.number().int(), read: z.boolean() }), 404: ApiError },
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
