// The HTTP crawler against a hostile site on loopback (tests/support/hostile-site.ts): no page may
// abort the run, outlast the timeout, be read past the size cap, lead to another host or make the
// crawl impolite. Each case is one listing of the site; the real parser reads what is served.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { crawlListings } from '../../crawlers/http-crawler.ts'
import type { CrawlSettings, ListingTarget } from '../../crawlers/listing-crawl.ts'
import { OriginMap } from '../../crawlers/origin-map.ts'
import { eurocitiesLegacy } from '../../parsers/eurocities-legacy.ts'
import { silentLog } from '../support/replica.ts'
import { OTHER_HOST, startHostileSite, type HostileSite } from '../support/hostile-site.ts'
import { entriesOf, readingSink } from './reading-sink.ts'

let site: HostileSite

beforeAll(async () => {
  site = await startHostileSite()
})
afterAll(async () => {
  await site.close()
})

function settings(overrides: Partial<CrawlSettings> = {}): CrawlSettings {
  return {
    userAgent: 'eurowatch-test/1 (+https://example.org/eurowatch)',
    respectRobotsTxt: true,
    perHostDelaySeconds: 0,
    maxConcurrency: 4,
    maxRetries: 1,
    retryBaseDelaySeconds: 0.01,
    maxRetryAfterSeconds: 1,
    timeoutSeconds: 5,
    maxResponseBytes: 500_000,
    origins: new OriginMap(),
    ...overrides,
  }
}

let nextId = 1
function target(url: string, extra: Partial<ListingTarget> = {}): ListingTarget {
  const listingId = nextId++
  return { listingId, sourceName: `listing-${listingId}`, url, profile: eurocitiesLegacy, maxPages: 50, render: 'http', theme: null, ...extra }
}

async function crawl(targets: ListingTarget[], overrides: Partial<CrawlSettings> = {}) {
  const sink = readingSink()
  const crawled = await crawlListings(targets, sink, settings(overrides), silentLog)
  const pages = [...sink.pages].sort((a, b) => a.target.listingId - b.target.listingId || a.pageNumber - b.pageNumber)
  return { pages, outcomes: sink.verdicts(crawled) }
}

const requestsTo = (path: string, host = site.origin) => site.requests().filter((request) => `http://${request.host}${request.path}` === `${host}${path}`)

describe('a page slower than timeoutSeconds', () => {
  it('fails that page, keeps the others and ends its listing partial; the other listings go on', async () => {
    site.setListing('slow', { entries: 30, pages: { 2: { kind: 'slow', delayMs: 4000 } } })
    site.setListing('calm', { entries: 30 })
    const { pages, outcomes } = await crawl([target(site.pageUrl('slow')), target(site.pageUrl('calm'))], { timeoutSeconds: 1 })
    expect(outcomes.map((outcome) => [outcome.status, outcome.pages])).toEqual([
      ['partial', 1],
      ['complete', 3],
    ])
    expect(outcomes[0]?.reason).toBe('page 2: no complete answer within 1 s')
    expect(pages.filter((page) => page.pageNumber === 2 && page.target.url.endsWith('/slow')).map((page) => page.attempts)).toEqual([2])
  })
})

describe('a body that stalls, never ends or inflates past the cap', () => {
  it('gives up on a stalled body at timeoutSeconds, each attempt, however often garbage is collected', async () => {
    site.setListing('stalled', { entries: 10, pages: { 1: { kind: 'stall', afterBytes: 200 } } })
    site.resetRequests()
    // a timeout signal nothing else holds on to is collected before it fires (nodejs/node#57736)
    setFlagsFromString('--expose-gc')
    const collect = runInNewContext('gc') as () => void
    const collecting = setInterval(collect, 200)
    const { pages, outcomes } = await crawl([target(site.pageUrl('stalled'))], { timeoutSeconds: 1 }).finally(() => clearInterval(collecting))
    expect(outcomes[0]).toMatchObject({ status: 'failed', reason: 'page 1: no complete answer within 1 s' })
    expect(pages.map((page) => page.attempts)).toEqual([2])
  })

  it.each([
    ['an endless chunked body', 'endless', { kind: 'endless' } as const],
    ['a compression bomb', 'bomb', { kind: 'gzip-bomb', bytes: 50_000_000 } as const],
  ])('refuses %s at the cap, once, without retrying it', async (_what, name, misbehaviour) => {
    site.setListing(name, { entries: 10, pages: { 1: misbehaviour } })
    site.resetRequests()
    const { pages, outcomes } = await crawl([target(site.pageUrl(name))], { maxRetries: 3 })
    expect(outcomes[0]).toMatchObject({ status: 'failed', reason: 'page 1: response exceeds the limit of 500000 bytes' })
    expect(pages.map((page) => page.attempts)).toEqual([1])
    expect(requestsTo(`/${name}`)).toHaveLength(1)
  })

  it('fails a listing page answered as application/json instead of reading it as HTML, once', async () => {
    site.setListing('json', { entries: 10, pages: { 1: { kind: 'json' } } })
    site.resetRequests()
    const { pages, outcomes } = await crawl([target(site.pageUrl('json'))], { maxRetries: 3 })
    expect(outcomes[0]).toMatchObject({ status: 'failed', reason: 'page 1: not an HTML page (Content-Type application/json)' })
    expect(pages.map((page) => page.outcome.kind)).toEqual(['fetch-failed'])
    expect(requestsTo('/json')).toHaveLength(1)
  })
})

describe('next links and redirects to another host', () => {
  const other = () => `${OTHER_HOST}:${site.otherPort}`

  it('stops a pager that loops back at once, ending the listing partial with a health problem', async () => {
    site.setListing('loop', { entries: 30, pages: { 2: { kind: 'next-link', to: site.pageUrl('loop', 1) } } })
    site.resetRequests()
    const { outcomes } = await crawl([target(site.pageUrl('loop'))])
    const loop = `page 2: the next link leads back to ${site.pageUrl('loop', 1)}`
    expect(outcomes[0]).toMatchObject({ status: 'partial', pages: 2, reason: loop })
    expect(outcomes[0]?.listingProblem).toEqual({ problem: 'incomplete', message: `${loop}: the pager loops, nothing after it was read` })
    expect(site.requests().filter((request) => request.path.startsWith('/loop'))).toHaveLength(2)
  })

  it('does not follow a next link to another host: the listing ends there, partial, with its entries', async () => {
    site.setListing('hop', { entries: 10, pages: { 1: { kind: 'next-link', to: site.pageUrl('elsewhere', 1, site.otherOrigin) } } })
    site.setListing('elsewhere', { entries: 10 })
    site.resetRequests()
    const { pages, outcomes } = await crawl([target(site.pageUrl('hop'))])
    expect(outcomes[0]).toMatchObject({ status: 'partial', pages: 1, entries: 10 })
    expect(outcomes[0]?.reason).toBe(`page 1: the next link ${site.otherOrigin}/elsewhere not followed: ${other()} is not this listing's host (allowedHosts)`)
    expect(site.requests().filter((request) => request.host === other())).toEqual([])
    expect(entriesOf(pages).every((entry) => entry.url.startsWith(site.origin))).toBe(true)
  })

  it('follows it to a host the source allows', async () => {
    site.setListing('hop', { entries: 10, pages: { 1: { kind: 'next-link', to: site.pageUrl('elsewhere', 1, site.otherOrigin) } } })
    const { outcomes } = await crawl([target(site.pageUrl('hop'), { allowedHosts: [OTHER_HOST] })])
    expect(outcomes[0]).toMatchObject({ status: 'complete', pages: 2, entries: 20 })
  })

  it('refuses a redirect to another host: the page fails, nothing is asked of that host', async () => {
    site.setListing('moved', { entries: 20, pages: { 2: { kind: 'redirect', to: site.pageUrl('elsewhere', 1, site.otherOrigin) } } })
    site.resetRequests()
    const { pages, outcomes } = await crawl([target(site.pageUrl('moved'))])
    expect(outcomes[0]).toMatchObject({ status: 'partial', pages: 1 })
    expect(outcomes[0]?.reason).toBe(`page 2: redirect to ${site.otherOrigin}/elsewhere refused: ${other()} is not this listing's host (allowedHosts)`)
    expect(pages.map((page) => page.attempts)).toEqual([1, 1])
    expect(site.requests().filter((request) => request.host === other())).toEqual([])
  })

  it('refuses a redirect to a loopback address from a listing that is not on one, even to an allowed host', async () => {
    // the listing's canonical host is a public (documentation) address, served here by the hostile site
    const origins = new OriginMap(['192.0.2.10'], site.origin)
    site.setListing('inward', { entries: 10, pages: { 1: { kind: 'redirect', to: site.pageUrl('elsewhere', 1, site.otherOrigin) } } })
    site.resetRequests()
    const { outcomes } = await crawl([target('http://192.0.2.10/inward', { allowedHosts: [OTHER_HOST] })], { origins })
    expect(outcomes[0]).toMatchObject({ status: 'failed' })
    expect(outcomes[0]?.reason).toBe(`page 1: redirect to ${site.otherOrigin}/elsewhere refused: ${OTHER_HOST} is a private or loopback address`)
    expect(site.requests().filter((request) => request.host === other())).toEqual([])
  })

  it('follows that redirect when the listing is on loopback itself and the host is allowed', async () => {
    site.setListing('inward', { entries: 10, pages: { 1: { kind: 'redirect', to: site.pageUrl('elsewhere', 1, site.otherOrigin) } } })
    const { outcomes } = await crawl([target(site.pageUrl('inward'), { allowedHosts: [OTHER_HOST] })])
    expect(outcomes[0]).toMatchObject({ status: 'complete', pages: 1, entries: 10 })
  })
})

describe('perHostDelaySeconds', () => {
  /** Gaps in ms between the starts of the requests that reached the site for this host name. */
  const gapsFor = (host: string) => {
    const times = site.requests().filter((request) => request.host === host).map((request) => request.at)
    return times.slice(1).map((at, index) => at - (times[index] ?? at))
  }

  it.each([
    ['an IP address', () => site.pageUrl('paced'), () => `127.0.0.1:${site.port}`],
    ['localhost', () => `http://localhost:${site.port}/paced`, () => `localhost:${site.port}`],
  ])('holds between the requests to %s', async (_what, url, host) => {
    site.setListing('paced', { entries: 30 })
    site.resetRequests()
    const { outcomes } = await crawl([target(url())], { perHostDelaySeconds: 0.4 })
    expect(outcomes[0]).toMatchObject({ status: 'complete', pages: 3 })
    const gaps = gapsFor(host())
    // robots.txt and three pages, each at least the delay after the one before (less a little for the first connection)
    expect(gaps).toHaveLength(3)
    expect(Math.min(...gaps)).toBeGreaterThan(330)
  })

  it('holds for a single-label host name', async () => {
    site.setListing('paced', { entries: 30 })
    site.resetRequests()
    const { outcomes } = await crawl([target('http://intranet/paced')], { perHostDelaySeconds: 0.4, origins: new OriginMap(['intranet'], site.origin) })
    expect(outcomes[0]).toMatchObject({ status: 'complete', pages: 3 })
    const gaps = gapsFor(`127.0.0.1:${site.port}`)
    expect(gaps).toHaveLength(3)
    expect(Math.min(...gaps)).toBeGreaterThan(330)
  })
})
