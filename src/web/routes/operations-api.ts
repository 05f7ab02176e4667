// The operations API: runs, problems and health events, subscriptions' delivery counts, messages
// by state; an admin resends a dead message or starts a crawl.
import { z } from 'zod'
import { deliveryMessages, operatorProblems, recentHealthEvents, recentRuns, resendMessage } from '../../../db/operations.ts'
import { deliveryCounts } from '../../../db/outbox.ts'
import { ApiError, idBefore, ListQuery, listOf, nextCursor } from '../api-list.ts'
import type { WebApp, WebAppOptions } from '../context.ts'
import { requireAdmin } from '../auth.ts'
import { crawlSources, MessageParams, startCrawl } from './operations-pages.ts'

const iso = (at: Date | null) => (at === null ? null : new Date(at).toISOString())

const RunJson = z.object({
  id: z.number(),
  kind: z.enum(['crawl', 'backfill']),
  status: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  pagesFetched: z.number(),
  entriesSeen: z.number(),
  versionsCreated: z.number(),
  error: z.string().nullable(),
  crawls: z.record(z.string(), z.number()).describe('listing crawls by status'),
  changes: z.number(),
  healthEvents: z.number(),
})
const MessageJson = z.object({
  id: z.number(),
  subscription: z.string(),
  kind: z.enum(['changes', 'operator']),
  state: z.enum(['sent', 'waiting', 'failing', 'dead']),
  attempts: z.number(),
  nextAttemptAt: z.string(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  events: z.number(),
})
const MessageQuery = ListQuery.extend({ state: z.enum(['sent', 'waiting', 'failing', 'dead']).optional(), subscription: z.string().optional() })
const SubscriptionJson = z.object({ subscription: z.string(), waiting: z.number(), pending: z.number(), failing: z.number(), dead: z.number(), sent: z.number(), lastSentAt: z.string().nullable(), lastError: z.string().nullable() })
const ProblemsJson = z.object({
  problems: z.array(z.object({ problem: z.string(), listing: z.string().nullable(), message: z.string(), firstRun: z.number(), lastRun: z.number(), occurrences: z.number(), openedAt: z.string(), resolvedAt: z.string().nullable() })),
  healthEvents: z.array(z.object({ id: z.number(), runId: z.number(), listing: z.string(), problem: z.string(), message: z.string(), pageFetchId: z.number().nullable(), at: z.string() })),
})
const CrawlBody = z.object({ sources: z.union([z.literal('all'), z.array(z.string()).min(1)]).default('all') })

export default async function operationsApi(app: WebApp, options: WebAppOptions): Promise<void> {
  app.get('/api/v1/runs', { schema: { tags: ['operations'], summary: 'Runs and their results, newest first', querystring: ListQuery, response: { 200: listOf(RunJson) } } }, async (request) => {
    const runs = await recentRuns(options.db, request.query.limit, idBefore(request.query.cursor))
    const items = runs.map((run) => ({ ...run, startedAt: run.startedAt.toISOString(), finishedAt: iso(run.finishedAt) }))
    return { items, next: nextCursor(runs, request.query.limit) }
  })

  app.get('/api/v1/problems', { schema: { tags: ['operations'], summary: 'Operator problems (open, then the latest resolved) and recent health events', response: { 200: ProblemsJson } } }, async () => {
    const [problems, health] = await Promise.all([operatorProblems(options.db, 50), recentHealthEvents(options.db, 50)])
    return {
      problems: problems.map((problem) => ({ ...problem, openedAt: problem.openedAt.toISOString(), resolvedAt: iso(problem.resolvedAt) })),
      healthEvents: health.map((event) => ({ ...event, at: event.at.toISOString() })),
    }
  })

  app.get('/api/v1/subscriptions', { schema: { tags: ['operations'], summary: "Each subscription's deliveries: sent, waiting, failing, dead", response: { 200: listOf(SubscriptionJson) } } }, async () => {
    const items = (await deliveryCounts(options.db)).map(({ nextAttemptAt: _next, ...counts }) => ({ ...counts, lastSentAt: iso(counts.lastSentAt) }))
    return { items, next: null }
  })

  app.get('/api/v1/deliveries', { schema: { tags: ['operations'], summary: 'Delivery messages newest first, by state and subscription', querystring: MessageQuery, response: { 200: listOf(MessageJson) } } }, async (request) => {
    const { limit, cursor, state, subscription } = request.query
    const messages = await deliveryMessages(options.db, { subscription: subscription ?? null, state: state ?? null, limit, before: idBefore(cursor) })
    const items = messages.map((message) => ({ ...message, nextAttemptAt: message.nextAttemptAt.toISOString(), createdAt: message.createdAt.toISOString(), sentAt: iso(message.sentAt) }))
    return { items, next: nextCursor(messages, limit) }
  })

  app.post(
    '/api/v1/deliveries/:id/resend',
    { schema: { tags: ['operations'], summary: "Send a dead message again, now (admin). 'pending': already waiting, nothing changed; 'sent': never sent twice", params: MessageParams, response: { 200: z.object({ outcome: z.enum(['resent', 'pending', 'sent']) }), 403: ApiError, 404: ApiError } }, preHandler: requireAdmin },
    async (request, reply) => {
      const outcome = await resendMessage(options.db, request.params.id, options.now())
      if (outcome === null) return reply.code(404).send({ error: 404, message: `no delivery message ${request.params.id}` })
      return { outcome }
    },
  )

  app.post(
    '/api/v1/crawl',
    { schema: { tags: ['operations'], summary: 'Crawl now, some listings or all (admin)', body: CrawlBody, response: { 202: z.object({ started: z.literal(true) }), 400: ApiError, 403: ApiError, 409: ApiError, 503: ApiError } }, preHandler: requireAdmin },
    async (request, reply) => {
      const start = startCrawl(crawlSources(request.body.sources, options), options)
      if (start.status === 202) return reply.code(202).send({ started: true })
      return reply.code(start.status).send({ error: start.status, message: start.message })
    },
  )
}
