// The crawl job end to end: the replica over HTTP, the real crawler, both database backends.
import { describe, expect, it } from 'vitest'
import { OriginMap } from '../../crawlers/origin-map.ts'
import { crawlJob, type CrawlSource } from '../../jobs/crawl.ts'
import { eurocitiesLegacy } from '../../parsers/eurocities-legacy.ts'
import { legacyHosts, legacySources } from '../../src/config/defaults.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { replicaCrawlSettings, silentLog as silent, useReplica } from '../support/replica.ts'

const sources: CrawlSource[] = legacySources.map((s) => ({ name: s.name, profile: eurocitiesLegacy, url: s.url, maxPages: 50, render: 'http', theme: null }))

const replica = useReplica()

const settings = (overrides: Parameters<typeof replicaCrawlSettings>[1] = {}) => replicaCrawlSettings(replica(), overrides)

/** The oracle: every listing walked page by page with plain fetch and the parser, as "source key" lines. */
async function listedOnReplica(): Promise<string[]> {
  const seen: string[] = []
  for (const source of sources) {
    let url: string | null = source.url
    while (url) {
      const response = await fetch(new OriginMap(legacyHosts, replica().origin).toFetchUrl(url))
      const page = eurocitiesLegacy.parseListing(await response.text(), url)
      seen.push(...page.entries.map((entry) => `${source.name} ${entry.key}`))
      url = page.nextPage
    }
  }
  return seen.sort()
}

describe.each(backends)('crawl job over the replica on %s', (backend) => {
  const db = useTestDatabase(backend)
  const deps = () => ({ db: db(), now: () => new Date(), log: silent })

  it('stores every entry of every page of every listing, and a second crawl adds no versions or bodies', async () => {
    replica().setStep(0)
    replica().setFaults([])
    const first = await crawlJob(deps(), sources, settings())
    expect(first.status).toBe('complete')
    const sighted = await db()
      .selectFrom('sighting as s')
      .innerJoin('listing as l', 'l.id', 's.listing_id')
      .innerJoin('entry as e', 'e.id', 's.entry_id')
      .select(['l.source_id', 'e.entry_key'])
      .where('s.run_id', '=', first.runId)
      .execute()
    expect(sighted.map((row) => `${row.source_id} ${row.entry_key}`).sort()).toEqual(await listedOnReplica())
    const bodies = await db().selectFrom('page_body').select('sha256').execute()
    expect(bodies).toHaveLength(first.pagesFetched)

    const ranges = await db().selectFrom('sighting_range').selectAll().orderBy('id').execute()
    expect(ranges).toHaveLength(sighted.length)
    const second = await crawlJob(deps(), sources, settings())
    expect(second).toMatchObject({ status: 'complete', newEntries: 0, versionsCreated: 0, pagesFetched: first.pagesFetched })
    // an unchanged crawl extends every sighting range and writes none
    expect(await db().selectFrom('sighting_range').selectAll().orderBy('id').execute()).toEqual(ranges)
    expect(await db().selectFrom('page_body').select('sha256').execute()).toHaveLength(bodies.length)
    expect(await db().selectFrom('sighting').select('range_id').execute()).toHaveLength(sighted.length * 2)
  })

  it('keeps what it stored when a page fails after retries, and calls the run partial with the reason', async () => {
    replica().setStep(0)
    replica().setFaults([{ kind: 'status', status: 503, match: '/issues/innovation-issue&newsstart=21' }])
    try {
      const run = await crawlJob(deps(), sources, settings())
      expect(run.status).toBe('partial')
      const innovation = run.listings.find((listing) => listing.source === 'innovation')
      // the way on to page 4 was on page 3
      expect(innovation).toMatchObject({ status: 'partial', pages: 2 })
      expect(innovation?.reason).toContain('page 3: HTTP 503 Service Unavailable')
      const failed = await db().selectFrom('page_fetch').select(['page_number', 'status', 'error']).where('status', '=', 503).execute()
      expect(failed).toEqual([{ page_number: 3, status: 503, error: expect.stringContaining('503') }])
      expect(run.listings.filter((listing) => listing.status === 'complete')).toHaveLength(3)
    } finally {
      replica().setFaults([])
    }
  })

  it('tells a failed page in its own words: the status, its reason phrase, the retries and the Retry-After', async () => {
    replica().setStep(0)
    replica().setFaults([
      { kind: 'status', status: 503, match: '/issues/innovation-issue&newsstart=21' },
      { kind: 'rate-limit', retryAfterSeconds: 120, match: '/issues/smart-cities-issue&newsstart=11' },
    ])
    try {
      // Retry-After is capped at maxRetryAfterSeconds (1 s here) for the wait, and told as the server sent it
      const run = await crawlJob(deps(), sources, settings({ maxRetries: 3 }))
      const health = await db().selectFrom('health_event').select(['problem', 'message']).where('run_id', '=', run.runId).orderBy('message').execute()
      expect(health).toEqual([
        { problem: 'fetch-failed', message: 'HTTP 429 Too Many Requests (retried 3 times, Retry-After 120 s)' },
        { problem: 'fetch-failed', message: 'HTTP 503 Service Unavailable (retried 3 times)' },
      ])
    } finally {
      replica().setFaults([])
    }
  })

  it('does not call a run partial for a listing cut at its page limit, but does not call that listing complete', async () => {
    replica().setFaults([])
    const run = await crawlJob(deps(), sources.map((source) => ({ ...source, maxPages: 2 })), settings())
    expect(run.status).toBe('complete')
    expect(run.listings.every((listing) => listing.status === 'partial' && listing.limited && listing.pages === 2)).toBe(true)
    const crawls = await db().selectFrom('listing_crawl').select('status').distinct().execute()
    expect(crawls).toEqual([{ status: 'partial' }])
  })

  it('identifies itself the same way to every request, robots.txt included', async () => {
    replica().setStep(0)
    replica().setFaults([])
    replica().resetRequests()
    const userAgent = 'eurowatch-identity-test/1 (+https://example.org/eurowatch)'
    const summary = await crawlJob(deps(), sources, { ...settings(), userAgent })
    expect(summary.status).toBe('complete')
    const requests = replica().requests()
    expect(requests.filter((request) => request.path === '/robots.txt')).toHaveLength(1)
    expect(requests.length).toBe(summary.pagesFetched + 1)
    expect(new Set(requests.map((request) => request.userAgent))).toEqual(new Set([userAgent]))
  })
})
