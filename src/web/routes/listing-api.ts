// GET /api/v1/listings and /api/v1/listings/:source: the listings, and one as of a date (the
// shape of `eurowatch snapshot --format json`) or two dates compared, with its crawls and problems.
import { z } from 'zod'
import { listingStates } from '../../../db/status-queries.ts'
import type { SnapshotResult } from '../../../domain/archive.ts'
import { loadListingPage } from '../../../jobs/listing-page.ts'
import { toSnapshotJson } from '../../reports/snapshot.ts'
import { ApiError, listOf } from '../api-list.ts'
import { EntryFieldsJson, FieldValueJson } from '../change-schema.ts'
import type { WebApp, WebAppOptions } from '../context.ts'
import { datesAsked, encodeListingCursor, entriesAsked, gapText, ListingParams, ListingQuery } from './listing-pages.ts'

const ListingJson = z.object({
  source: z.string(),
  url: z.string(),
  lastRun: z.number().nullable(),
  status: z.string().nullable(),
  entries: z.number(),
  finishedAt: z.string().nullable(),
  lastCompleteAt: z.string().nullable(),
})
// `eurowatch snapshot --format json` (src/reports/snapshot.ts, docs/export.md)
const SnapshotJson = z.object({
  version: z.literal(1),
  listing: z.object({ source: z.string(), url: z.string() }),
  asOf: z.string(),
  crawl: z
    .object({
      runId: z.number(),
      startedAt: z.string(),
      finishedAt: z.string(),
      pages: z.number(),
      origin: z.enum(['crawl', 'backfill']),
      captures: z.array(z.object({ page: z.number(), url: z.string(), capturedAt: z.string() })).describe('a backfilled crawl: the web-archive capture each page was read from'),
    })
    .describe('the last complete crawl at or before `asOf`'),
  entries: z.array(
    EntryFieldsJson.extend({
      position: z.number().describe('1-based, across the pages'),
      page: z.number(),
      key: z.string(),
      summaryTruncated: z.boolean(),
      validFromRun: z.number(),
      validToRun: z.number().nullable().describe('null: still valid as of the date'),
      validFrom: z.string(),
      validTo: z.string().nullable(),
    }),
  ),
})
const Snapshot = z
  .union([
    z.object({ kind: z.literal('snapshot'), snapshot: SnapshotJson }),
    z.object({ kind: z.enum(['unknown-listing', 'before-first-crawl', 'no-complete-crawl']).describe('why there is no snapshot at that date'), message: z.string() }),
  ])
  .describe('the listing as of a date: `snapshot` has the shape of `eurowatch snapshot --format json` (docs/export.md)')
const Change = z.object({ key: z.string(), changes: z.array(z.object({ field: z.string(), before: FieldValueJson, after: FieldValueJson })) })
const ListingPageJson = z.object({
  listing: z.object({ source: z.string(), url: z.string() }),
  asOf: Snapshot.optional(),
  next: z.string().nullable().optional().describe("as of a date: the cursor of the listing's next entries; null on the last page"),
  compare: z
    .object({
      before: Snapshot,
      after: Snapshot,
      added: z.array(z.string()),
      removed: z.array(z.string()),
      changed: z.array(Change),
      unchanged: z.number(),
      counts: z.object({ added: z.number(), removed: z.number(), changed: z.number() }),
      atLeast: z
        .object({ added: z.boolean(), removed: z.boolean(), changed: z.boolean(), unchanged: z.boolean() })
        .describe('true: that count stopped at its bound (1,000) and is a lower bound: at least that many; false: it is exact'),
    })
    .describe('`added`, `removed`, `changed`: the first `limit` of each; `counts` and `unchanged`: how many, exact below 1,000 (`atLeast`); the snapshots without their entries')
    .nullable()
    .optional(),
  crawls: z.array(
    z.object({ runId: z.number(), mode: z.enum(['full', 'incremental', 'backfill']), status: z.string(), startedAt: z.string(), finishedAt: z.string().nullable(), pages: z.number(), entries: z.number(), reason: z.string().nullable(), health: z.array(z.object({ problem: z.string(), message: z.string(), pageFetchId: z.number().nullable() })) }),
  ),
  problems: z.array(z.object({ problem: z.string(), message: z.string(), firstRun: z.number(), lastRun: z.number(), occurrences: z.number(), openedAt: z.string() })),
})

function snapshotJson(result: SnapshotResult): z.infer<typeof Snapshot> {
  return result.kind === 'snapshot' ? { kind: 'snapshot', snapshot: toSnapshotJson(result.snapshot) } : { kind: result.kind, message: gapText(result) }
}

export default async function listingApi(app: WebApp, options: WebAppOptions): Promise<void> {
  app.get('/api/v1/listings', { schema: { tags: ['listings'], summary: 'The listings and their last crawls', response: { 200: listOf(ListingJson) } } }, async () => {
    const items = (await listingStates(options.db)).map((listing) => ({
      source: listing.source,
      url: listing.url,
      lastRun: listing.lastRun,
      status: listing.status,
      entries: listing.entries,
      finishedAt: listing.finishedAt?.toISOString() ?? null,
      lastCompleteAt: listing.lastCompleteAt === null ? null : new Date(listing.lastCompleteAt).toISOString(),
    }))
    return { items, next: null }
  })

  app.get(
    '/api/v1/listings/:source',
    { schema: { tags: ['listings'], summary: 'A listing as of a date (`as-of`) or two dates compared (`compare`, `with`), its recent crawls and open problems', params: ListingParams, querystring: ListingQuery, response: { 200: ListingPageJson, 404: ApiError } } },
    async (request, reply) => {
      const page = await loadListingPage(options.db, { source: request.params.source, dates: datesAsked(request.query, options.now()), crawls: 20, entries: entriesAsked(request.query) })
      if (page === null) return reply.code(404).send({ error: 404, message: `no listing ${request.params.source}` })
      const { view } = page
      return {
        listing: { source: page.listing.source, url: page.listing.url },
        ...(view.kind === 'as-of'
          ? { asOf: snapshotJson(view.result), next: view.next === null ? null : encodeListingCursor(view.next) }
          : {
              compare:
                view.comparison === null
                  ? null
                  : {
                      before: snapshotJson(view.before),
                      after: snapshotJson(view.after),
                      added: view.comparison.added.map((entry) => entry.key),
                      removed: view.comparison.removed.map((entry) => entry.key),
                      changed: view.comparison.changed.map((changed) => ({ key: changed.key, changes: changed.changes })),
                      unchanged: view.comparison.unchanged,
                      counts: view.comparison.counts,
                      atLeast: view.comparison.atLeast,
                    },
            }),
        crawls: page.crawls.map((crawl) => ({ ...crawl, startedAt: crawl.startedAt.toISOString(), finishedAt: crawl.finishedAt?.toISOString() ?? null })),
        problems: page.problems.map((problem) => ({ problem: problem.problem, message: problem.message, firstRun: problem.firstRun, lastRun: problem.lastRun, occurrences: problem.occurrences, openedAt: problem.openedAt.toISOString() })),
      }
    },
  )
}
