// Conditional requests and incremental paging, end to end: real HTTP to a loopback listing that
// answers 304s (truthfully or not), the real crawler, parser and diff, on both backends.
import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CrawlSettings } from '../../crawlers/listing-crawl.ts'
import { OriginMap } from '../../crawlers/origin-map.ts'
import { crawlJob, type CrawlSource } from '../../jobs/crawl.ts'
import { diffRun } from '../../jobs/diff.ts'
import { PageReader } from '../../jobs/page-reader.ts'
import { resolveProfile } from '../../parsers/index.ts'
import { startConditionalSite, entryKey, type ConditionalSite } from '../support/conditional-site.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { silentLog } from '../support/replica.ts'

const settings = (overrides: { full?: boolean } = {}): CrawlSettings & { full?: boolean; parseThreads: number } => ({
  userAgent: 'eurowatch-test/1 (+https://example.org/eurowatch)',
  respectRobotsTxt: true,
  perHostDelaySeconds: 0,
  maxConcurrency: 2,
  maxRetries: 0,
  retryBaseDelaySeconds: 0.01,
  maxRetryAfterSeconds: 1,
  timeoutSeconds: 5,
  maxResponseBytes: 2_000_000,
  origins: new OriginMap(),
  parseThreads: 0,
  ...overrides,
})

describe.each(backends)('incremental crawls on %s', (backend) => {
  const db = useTestDatabase(backend)
  const deps = () => ({ db: db(), now: () => new Date(), log: silentLog })
  let site: ConditionalSite
  beforeEach(async () => {
    site = await startConditionalSite(100)
  })
  afterEach(async () => {
    await site?.close()
  })

  /** The listing, a full crawl every `everyRuns` crawls. */
  const source = (everyRuns = 100): CrawlSource => ({
    name: 'news',
    profile: resolveProfile('eurocities-legacy'),
    url: site.listingUrl,
    maxPages: 200,
    render: 'http',
    theme: null,
    fullCrawl: { everyRuns, olderThanHours: null },
  })
  /** A crawl and its diff; the requests it made to the listing (robots.txt aside). */
  const run = async (options: { everyRuns?: number; full?: boolean } = {}) => {
    site.requests = []
    const crawl = await crawlJob(deps(), [source(options.everyRuns)], settings({ full: options.full }))
    const diff = await diffRun(deps(), crawl.runId, { removeAfter: 1 })
    const events = diff.events.map((event) => `${event.kind} ${event.entry.key}`).sort()
    return { crawl, listing: crawl.listings[0], events, requests: site.requests.filter((request) => request.path !== '/robots.txt') }
  }
  const sightedIn = async (runId: number) =>
    (
      await db()
        .selectFrom('sighting as s')
        .innerJoin('entry as e', 'e.id', 's.entry_id')
        .select(['e.entry_key', 's.position'])
        .where('s.run_id', '=', runId)
        .orderBy('s.position')
        .execute()
    ).map((row) => `${row.position} ${row.entry_key}`)

  it('re-runs an unchanged listing with one conditional request: a 304 reuses the stored page, nothing downloaded', async () => {
    const first = await run()
    expect(first.listing).toMatchObject({ status: 'complete', mode: 'full', pages: 10, entries: 100 })
    expect(first.requests.every((request) => request.ifNoneMatch === null)).toBe(true)

    const second = await run()
    expect(second.listing).toMatchObject({ status: 'incremental', mode: 'incremental', pages: 1, entries: 10 })
    expect(second.requests).toEqual([{ path: '/news', status: 304, bytes: 0, ifNoneMatch: expect.stringMatching(/^"/), ifModifiedSince: null }])
    expect(second.events).toEqual([])
    expect(second.crawl.status).toBe('complete')
    expect(second.listing?.lastFullAt).toEqual(first.listing?.lastFullAt)
    // the page's sightings are those of the stored page, under a small fetch row of its own
    expect(await sightedIn(second.crawl.runId)).toEqual((await sightedIn(first.crawl.runId)).slice(0, 10))
    const fetches = await db().selectFrom('page_fetch').select(['run_id', 'status', 'body_sha256']).where('page_number', '=', 1).orderBy('id').execute()
    expect(fetches.map((fetch) => fetch.status)).toEqual([200, 304])
    expect(fetches[1]?.body_sha256).toBe(fetches[0]?.body_sha256)
  })

  it('reads no page for a 304 whose reading is kept, and uses a kept reading only under the reader that made it', async () => {
    const first = await run()
    // the readings of the listing's first three pages are kept with their bodies
    const kept = await db().selectFrom('page_reading').select(['body_sha256', 'reader', 'page']).execute()
    const firstThree = await db().selectFrom('page_fetch').select('body_sha256').where('run_id', '=', first.crawl.runId).where('page_number', '<=', 3).orderBy('page_number').execute()
    expect(kept.map((reading) => reading.body_sha256).sort()).toEqual(firstThree.map((fetch) => fetch.body_sha256).sort())
    const pageOne = kept.find((reading) => reading.body_sha256 === firstThree[0]?.body_sha256)
    expect(pageOne?.page.entries.map((entry) => entry.key)).toEqual(site.keys.slice(0, 10))
    expect(pageOne?.page.nextPage).toBe(`${site.listingUrl}&page=2`)

    const reads = vi.spyOn(PageReader.prototype, 'read')
    try {
      const unchanged = await run()
      expect(unchanged.requests.map((request) => request.status)).toEqual([304])
      expect(reads).not.toHaveBeenCalled()
      expect(unchanged.listing).toMatchObject({ status: 'incremental', pages: 1, entries: 10 })
      expect(await sightedIn(unchanged.crawl.runId)).toEqual((await sightedIn(first.crawl.runId)).slice(0, 10))

      // what the run stores is the kept reading itself: one edited in the database is what it sees
      const retitled = site.keys[0] ?? ''
      await sql`update page_reading set page = jsonb_set(page, '{entries,0,title}', '"Edited in the kept reading"') where body_sha256 = ${pageOne?.body_sha256}`.execute(db())
      expect((await run()).events).toEqual([`changed ${retitled}`])
      expect(reads).not.toHaveBeenCalled()

      // a reading kept by another reader (other code, profile or URL) is not used: the body is read again
      await sql`update page_reading set reader = 'another reader' where body_sha256 = ${pageOne?.body_sha256}`.execute(db())
      expect((await run()).events).toEqual([`changed ${retitled}`])
      expect(reads).toHaveBeenCalledTimes(1)
      const titles = await db().selectFrom('entry_version as v').innerJoin('entry as e', 'e.id', 'v.entry_id').select('v.title').where('e.entry_key', '=', retitled).orderBy('v.id').execute()
      expect(titles.map((version) => version.title)).toEqual([`Entry ${retitled}`, 'Edited in the kept reading', `Entry ${retitled}`])
      expect(await db().selectFrom('page_reading').select('reader').where('body_sha256', '=', pageOne?.body_sha256 ?? '').execute()).toHaveLength(2)
    } finally {
      reads.mockRestore()
    }
  })

  it('reads one new entry on page 1 of a 10-page listing in two requests, and stops', async () => {
    await run()
    site.keys.unshift(entryKey(1000))
    const second = await run()
    expect(second.requests.map((request) => [request.path, request.status])).toEqual([
      ['/news', 200],
      ['/news&page=2', 200],
    ])
    expect(second.listing).toMatchObject({ status: 'incremental', pages: 2, newEntries: 1 })
    expect(second.events).toEqual([`new ${entryKey(1000)}`])
  })

  it('finds an entry republished from page 5 to page 1, and reports nothing removed', async () => {
    await run()
    const moved = site.keys.splice(44, 1)[0] ?? ''
    site.keys.unshift(moved)
    const second = await run()
    expect(second.listing?.status).toBe('incremental')
    expect((await sightedIn(second.crawl.runId))[0]).toBe(`1 ${moved}`)
    expect(second.events).toEqual([])
  })

  it('makes the listing partial when a page of an incremental crawl errors', async () => {
    await run()
    site.keys.unshift(entryKey(1000))
    site.failing.add(2)
    const second = await run()
    expect(second.listing).toMatchObject({ status: 'partial', mode: 'incremental' })
    expect(second.listing?.reason).toContain('page 2: HTTP 500 Internal Server Error')
    expect(second.events).toEqual([`new ${entryKey(1000)}`])
  })

  it('finds a change deep in the listing, and removals, only by the next full crawl', async () => {
    await run({ everyRuns: 3 })
    const removed = site.keys.splice(80, 1)[0] ?? ''
    site.titles.set(entryKey(70), 'Retitled deep down')
    const incremental = await run({ everyRuns: 3 })
    expect(incremental.listing).toMatchObject({ mode: 'incremental', status: 'incremental', pages: 1 })
    expect(incremental.events).toEqual([])
    const again = await run({ everyRuns: 3 })
    expect(again.listing?.mode).toBe('incremental')
    expect(again.events).toEqual([])
    // the third crawl since the last full one is full
    const full = await run({ everyRuns: 3 })
    expect(full.listing).toMatchObject({ mode: 'full', status: 'complete', pages: 10 })
    expect(full.events).toEqual([`changed ${entryKey(70)}`, `removed ${removed}`])
    expect(full.requests.every((request) => request.ifNoneMatch === null && request.status === 200)).toBe(true)
    // a crawl that stopped on page 1 by design is no listing that "ended far too early"
    expect(await db().selectFrom('health_event').select('problem').execute()).toEqual([])
    const statuses = await db().selectFrom('listing_crawl').select('status').orderBy('run_id').execute()
    expect(statuses.map((crawl) => crawl.status)).toEqual(['complete', 'incremental', 'incremental', 'complete'])
  })

  it('crawls in full on --full, whatever the cadence', async () => {
    await run()
    const forced = await run({ full: true })
    expect(forced.listing).toMatchObject({ mode: 'full', status: 'complete', pages: 10 })
  })

  it('takes only a complete full crawl for the baseline: the first crawl is full, new entries after it are not baseline', async () => {
    const first = await run()
    const firstDiff = await db().selectFrom('change_event').select(['baseline']).where('run_id', '=', first.crawl.runId).execute()
    expect(firstDiff.every((event) => event.baseline)).toBe(true)
    site.keys.unshift(entryKey(1000))
    const second = await run()
    const secondDiff = await db().selectFrom('change_event').select(['kind', 'baseline']).where('run_id', '=', second.crawl.runId).execute()
    expect(secondDiff).toEqual([{ kind: 'new', baseline: false }])
  })

  describe('servers that get validators wrong', () => {
    it('a body changed under the same ETag: the 304 hides it from an incremental crawl, never from a full one', async () => {
      site.etag = 'constant'
      await run()
      site.titles.set(entryKey(3), 'Changed under the same ETag')
      const incremental = await run()
      expect(incremental.requests.map((request) => request.status)).toEqual([304])
      expect(incremental.events).toEqual([])
      const full = await run({ full: true })
      expect(full.events).toEqual([`changed ${entryKey(3)}`])
    })

    it('a new ETag on every answer: never a 304, and no false change; the same bytes are not parsed again', async () => {
      site.etag = 'random'
      await run()
      const reads = vi.spyOn(PageReader.prototype, 'read')
      try {
        const second = await run()
        expect(second.requests.map((request) => request.status)).toEqual([200])
        expect(second.listing).toMatchObject({ status: 'incremental', pages: 1 })
        expect(second.events).toEqual([])
        expect(reads).not.toHaveBeenCalled()
      } finally {
        reads.mockRestore()
      }
    })

    it('a 304 that names another ETag than the stored page: the page is asked again in full', async () => {
      await run()
      site.always304 = true
      site.etag = 'random'
      const second = await run()
      expect(second.requests.map((request) => [request.status, request.ifNoneMatch === null])).toEqual([
        [304, false],
        [304, true],
      ])
      // the unconditional 304 has no page: the listing failed, nothing is removed
      expect(second.listing?.status).toBe('failed')
      expect(second.events).toEqual([])
    })

    it('a 304 to an unconditional request is no page: the full crawl fails, no false removal', async () => {
      await run()
      site.always304 = true
      const full = await run({ full: true })
      expect(full.requests.map((request) => [request.status, request.ifNoneMatch])).toEqual([[304, null]])
      expect(full.listing).toMatchObject({ status: 'failed', reason: 'page 1: HTTP 304 Not Modified' })
      expect(full.events).toEqual([])
    })

    it('a Last-Modified in the future is not sent back: a changed page is read, not taken as unchanged', async () => {
      site.etag = 'none'
      site.lastModified = new Date(Date.now() + 365 * 86_400_000)
      await run()
      site.titles.set(entryKey(1), 'Changed, the clock still in the future')
      const second = await run()
      // page 1 changed, page 2 brought nothing new
      expect(second.requests.map((request) => [request.path, request.status, request.ifModifiedSince])).toEqual([
        ['/news', 200, null],
        ['/news&page=2', 200, null],
      ])
      expect(second.events).toEqual([`changed ${entryKey(1)}`])
    })

    it('a Last-Modified in the past is sent back as If-Modified-Since, and its 304 honoured', async () => {
      site.etag = 'none'
      site.lastModified = new Date(Date.now() - 86_400_000)
      await run()
      const second = await run()
      expect(second.requests).toEqual([{ path: '/news', status: 304, bytes: 0, ifNoneMatch: null, ifModifiedSince: site.lastModified.toUTCString() }])
      expect(second.listing?.status).toBe('incremental')
    })
  })

  it('asks in full, without validators, when the stored body is corrupt', async () => {
    await run()
    const fetch = await db().selectFrom('page_fetch').select('body_sha256').where('page_number', '=', 1).executeTakeFirstOrThrow()
    const other = await db().selectFrom('page_fetch').select('body_sha256').where('page_number', '=', 2).executeTakeFirstOrThrow()
    const otherBody = await db().selectFrom('page_body').select('body').where('sha256', '=', other.body_sha256 ?? '').executeTakeFirstOrThrow()
    await db().updateTable('page_body').set({ body: otherBody.body }).where('sha256', '=', fetch.body_sha256 ?? '').execute()
    const second = await run()
    expect(second.requests[0]).toMatchObject({ path: '/news', status: 200, ifNoneMatch: null })
    expect(second.listing?.status).toBe('incremental')
    expect(second.events).toEqual([])
  })
})
