// GET /api/v1/entries/:key: the entry's history (the shape of `eurowatch history --format json`),
// where it was listed, its alerts and its stored pages (each with the path that shows it).
import { z } from 'zod'
import { entryPage } from '../../../db/entry-page.ts'
import { toHistoryJson } from '../../reports/history.ts'
import { ApiError } from '../api-list.ts'
import { EntryDetailJson, EntryFieldsJson, FieldValueJson } from '../change-schema.ts'
import type { WebApp, WebAppOptions } from '../context.ts'
import { EntryParams, storedPagePath } from './entry-pages.ts'

const Fields = EntryFieldsJson.extend({ summaryTruncated: z.boolean() })
const Seen = z.object({ runId: z.number(), at: z.string() }).nullable()
const FieldChange = z.object({
  field: z.string(),
  before: FieldValueJson,
  after: FieldValueJson,
  added: z.array(z.string()).optional().describe('themes only'),
  removed: z.array(z.string()).optional().describe('themes only'),
  words: z.array(z.object({ kind: z.enum(['same', 'added', 'removed']), text: z.string() })).optional().describe("the summary's word diff"),
})

const EntryJson = z.object({
  version: z.literal(1),
  key: z.string(),
  asOf: z.string().nullable(),
  firstSeenRun: z.number(),
  lastSeenRun: z.number(),
  removedAt: z.string().nullable(),
  versions: z.array(
    z.object({
      validFromRun: z.number(),
      validToRun: z.number().nullable(),
      validFrom: z.string(),
      validTo: z.string().nullable(),
      firstSeen: Seen,
      lastSeen: Seen,
      fields: Fields,
      detail: EntryDetailJson.nullable().describe("what the version's own page said; null when not read"),
      origin: z.enum(['crawl', 'reparse', 'backfill']),
      corrections: z.array(z.object({ at: z.string(), recorded: Fields })),
      changes: z.array(FieldChange).describe('against the version before, as the diff reports it'),
    }),
  ),
  listings: z.array(
    z.object({ source: z.string(), listingUrl: z.string(), pageNumber: z.number(), pageUrl: z.string(), lastPosition: z.number(), firstSeen: Seen, lastSeen: Seen }),
  ),
  alerts: z.array(
    z.object({
      eventId: z.number(),
      kind: z.string(),
      runId: z.number(),
      subscription: z.string(),
      status: z.enum(['waiting', 'pending', 'sent', 'dead']),
      attempts: z.number(),
      sentAt: z.string().nullable(),
      lastError: z.string().nullable(),
    }),
  ),
  pages: z.array(
    z.object({
      kind: z.enum(['listing-page', 'entry-page']),
      fetchId: z.number(),
      url: z.string(),
      runId: z.number(),
      fetchedAt: z.string(),
      status: z.number().nullable(),
      view: z.string().describe('the path that shows the stored page, inert'),
    }),
  ),
})

export default async function entryApi(app: WebApp, options: WebAppOptions): Promise<void> {
  app.get(
    '/api/v1/entries/:key',
    { schema: { tags: ['entries'], summary: 'An entry: every version with its changes, where it was listed, its alerts, its stored pages', params: EntryParams, response: { 200: EntryJson, 404: ApiError } } },
    async (request, reply) => {
      const page = await entryPage(options.db, request.params.key)
      if (page === null) return reply.code(404).send({ error: 404, message: `no entry ${request.params.key}` })
      const iso = (seen: { runId: number; at: Date }) => ({ runId: seen.runId, at: seen.at.toISOString() })
      return {
        ...toHistoryJson(page.history),
        listings: page.listings.map((slot) => ({ ...slot, firstSeen: iso(slot.firstSeen), lastSeen: iso(slot.lastSeen) })),
        alerts: page.alerts.map((alert) => ({
          eventId: alert.eventId,
          kind: alert.kind,
          runId: alert.runId,
          subscription: alert.subscription,
          status: alert.status,
          attempts: alert.attempts,
          sentAt: alert.sentAt?.toISOString() ?? null,
          lastError: alert.lastError,
        })),
        pages: page.pages.map((stored) => ({ kind: stored.kind, fetchId: stored.fetchId, url: stored.url, runId: stored.runId, fetchedAt: stored.fetchedAt.toISOString(), status: stored.status, view: storedPagePath(stored) })),
      }
    },
  )
}
