// The browser crawler in real Chromium against the replica's script-filled topic pages.
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { crawlListingsInBrowser, type BrowserCrawlSettings } from '../../crawlers/browser-crawler.ts'
import { crawlListings } from '../../crawlers/http-crawler.ts'
import type { ListingTarget } from '../../crawlers/listing-crawl.ts'
import { OriginMap } from '../../crawlers/origin-map.ts'
import { chromiumProcesses } from '../../crawlers/process-tree.ts'
import { eurocities } from '../../parsers/eurocities.ts'
import { eurocitiesLegacy } from '../../parsers/eurocities-legacy.ts'
import { UserError } from '../../domain/errors.ts'
import { startReplica, type Replica } from '../../replica/index.ts'
import { OTHER_HOST, startHostileSite } from '../support/hostile-site.ts'
import { browserSettings, isRunning, requireChromiumForTests, topicKeys, watchChromium } from './browser-support.ts'
import { entriesOf, readingSink, type ReadPageRecord } from './reading-sink.ts'
import { closedPort } from '../support/closed-port.ts'

const MOBILITY = 'https://eurocities.eu/topics/mobility/'
const silent = pino({ level: 'silent' })
let replica: Replica

beforeAll(async () => {
  await requireChromiumForTests()
  replica = await startReplica({ port: 0 })
})
afterAll(async () => {
  await replica?.close()
})

function target(url = MOBILITY, listingId = 1): ListingTarget {
  return { listingId, sourceName: `listing-${listingId}`, url, profile: eurocities, maxPages: 20, render: 'browser', theme: 'mobility' }
}

async function crawl(targets: ListingTarget[], overrides: Partial<BrowserCrawlSettings> = {}) {
  const sink = readingSink()
  const { result: crawled, seen } = await watchChromium(() => crawlListingsInBrowser(targets, sink, browserSettings(replica, overrides), silent))
  const pages = [...sink.pages].sort((a, b) => a.target.listingId - b.target.listingId || a.pageNumber - b.pageNumber)
  return { pages, outcomes: sink.verdicts(crawled), seen }
}

const keysOf = (pages: ReadPageRecord[]) => entriesOf(pages).map((entry) => entry.key)

/**
 * Nothing of the run's browser still running, and no Chromium below this process. A closed
 * browser's helpers (zygote, renderers) exit on their own a moment after it, later on a loaded
 * machine: they get a few seconds, a browser left open never goes.
 */
async function expectBrowserClosed(seen: number[]) {
  await expect.poll(() => seen.filter(isRunning), { timeout: 10_000 }).toEqual([])
  expect(chromiumProcesses()).toEqual([])
}

// Chromium on a busy machine: a page can take seconds
describe('crawlListingsInBrowser on the replica', { timeout: 60_000 }, () => {
  it('waits for the script-filled topic list and follows Load more to the end', async () => {
    replica.setFaults([])
    replica.resetRequests()
    const { pages, outcomes, seen } = await crawl([target()])
    expect(outcomes[0]).toMatchObject({ status: 'complete', pages: 2, entries: 20, reason: null })
    expect(keysOf(pages)).toEqual(topicKeys('mobility', 0))
    expect(pages.map((page) => [page.canonicalUrl, page.firstPosition, page.status])).toEqual([
      [MOBILITY, 1, 200],
      ['https://eurocities.eu/wp-json/replica/v1/topics/mobility?page=2', 11, 200],
    ])
    expect(pages[0]?.fetchedUrl).toBe(`${replica.origin}/topics/mobility/`)
    // the stored body is the rendered page, not what the server sent
    expect(pages[0]?.body?.toString('utf8')).toContain('data-loaded="true"')
    // the card thumbnails were never requested
    expect(replica.requests().filter((request) => request.path.startsWith('/wp-content/uploads/'))).toEqual([])
    expect(seen.length).toBeGreaterThan(0)
    await expectBrowserClosed(seen)
  })

  it('over plain HTTP the same page is a layout failure that asks for the browser, not an empty listing', async () => {
    const sink = readingSink()
    const outcomes = sink.verdicts(await crawlListings([{ ...target(), render: 'http' }], sink, browserSettings(replica), silent))
    expect(outcomes[0]).toMatchObject({ status: 'failed', pages: 0, entries: 0 })
    expect(outcomes[0]?.reason).toMatch(/^page 1: layout: .*need the browser \(render: browser\)/)
    expect(sink.pages.map((page) => page.outcome.kind)).toEqual(['layout-error'])
  })

  it('crawls the same listing twice in one process', async () => {
    const first = await crawl([target()])
    const second = await crawl([target(), target(MOBILITY, 2)])
    expect(second.outcomes.map((outcome) => outcome.status)).toEqual(['complete', 'complete'])
    expect(keysOf(second.pages.filter((page) => page.target.listingId === 1))).toEqual(keysOf(first.pages))
    expect(keysOf(second.pages.filter((page) => page.target.listingId === 2))).toEqual(keysOf(first.pages))
    await expectBrowserClosed([...first.seen, ...second.seen])
  })

  it('parses what the page shows when the list never fills: the layout error, after waiting', async () => {
    replica.setFaults([{ kind: 'status', status: 500, match: '/wp-json/' }])
    const { pages, outcomes, seen } = await crawl([target()], { browser: { ...browserSettings(replica).browser, listTimeoutSeconds: 1 } })
    replica.setFaults([])
    expect(outcomes[0]).toMatchObject({ status: 'failed', pages: 0, entries: 0 })
    expect(outcomes[0]?.reason).toContain('need the browser')
    expect(outcomes[0]?.reason).toContain('ul.other-story-list > li did not appear within 1 s')
    expect(pages[0]?.body?.toString('utf8')).toContain('data-error')
    await expectBrowserClosed(seen)
  })

  it('leaves no Chromium behind after a run whose pages all fail', async () => {
    replica.setFaults([{ kind: 'status', status: 500, match: '/topics/' }])
    const failing = await crawl([target(), target('https://eurocities.eu/topics/climate/', 2)], { maxRetries: 0 })
    replica.setFaults([])
    expect(failing.outcomes.map((outcome) => outcome.status)).toEqual(['failed', 'failed'])
    expect(failing.outcomes[0]?.reason).toContain('HTTP 500')
    expect(failing.pages.map((page) => page.attempts)).toEqual([1, 1])
    await expectBrowserClosed(failing.seen)

    const port = await closedPort()
    // without robots.txt, whose refused fetch would keep the page from being requested at all
    const refused = await crawl([target(`http://127.0.0.1:${port}/topics/mobility/`)], { maxRetries: 0, origins: new OriginMap(), respectRobotsTxt: false })
    expect(refused.outcomes[0]?.status).toBe('failed')
    expect(refused.outcomes[0]?.reason).toContain('ERR_CONNECTION_REFUSED')
    await expectBrowserClosed(refused.seen)
  })

  it('retries a 5xx page with backoff and records the attempts', async () => {
    replica.setFaults([{ kind: 'status', status: 503, times: 2, match: '/topics/mobility/' }])
    const { pages, outcomes } = await crawl([target()])
    replica.setFaults([])
    expect(outcomes[0]?.status).toBe('complete')
    expect(pages[0]?.attempts).toBe(3)
  })

  it('closes the browser when the run throws (the sink failing)', async () => {
    const failingSink = { acceptPage: async () => Promise.reject(new Error('database gone')) }
    const { seen, result } = await watchChromium(() =>
      crawlListingsInBrowser([target()], failingSink, browserSettings(replica, { maxRetries: 0 }), silent).then(
        () => null,
        (error: unknown) => error,
      ),
    )
    expect(result).toBeInstanceOf(Error)
    expect(String(result)).toContain('database gone')
    await expectBrowserClosed(seen)
  })

  it('does not fetch what robots.txt disallows', async () => {
    replica.resetRequests()
    const { outcomes } = await crawl([target('https://www.eurocities.eu/eurocities/search&query=x')])
    expect(outcomes[0]?.status).toBe('failed')
    expect(outcomes[0]?.reason).toContain('disallowed by robots.txt')
    expect(replica.requests().some((request) => request.path.startsWith('/eurocities/search'))).toBe(false)
  })

  it('says in one line how to get Chromium when the executable is missing', async () => {
    replica.resetRequests()
    const missing = { ...browserSettings(replica).browser, executablePath: '/nonexistent/chromium' }
    const attempt = crawl([target()], { browser: missing })
    await expect(attempt).rejects.toThrow(UserError)
    await expect(attempt).rejects.toThrow(
      'Chromium not found at /nonexistent/chromium (browser.executablePath / CHROMIUM_PATH): correct the path, or remove it to use a Chromium on PATH or the npm package @sparticuz/chromium',
    )
    expect(replica.requests()).toEqual([])
  })
})

describe('crawlListingsInBrowser on a hostile site', { timeout: 60_000 }, () => {
  const legacyTarget = (url: string, extra: Partial<ListingTarget> = {}): ListingTarget => ({ ...target(url, 9), profile: eurocitiesLegacy, theme: null, ...extra })

  it('fails a page slower than the navigation timeout and goes on: the listing is partial, the run not aborted', async () => {
    const site = await startHostileSite()
    try {
      site.setListing('slow', { entries: 20, pages: { 2: { kind: 'slow', delayMs: 6000 } } })
      const { outcomes, seen } = await crawl([legacyTarget(site.pageUrl('slow'))], {
        origins: new OriginMap(),
        maxRetries: 1,
        browser: { ...browserSettings(replica).browser, navigationTimeoutSeconds: 1 },
      })
      expect(outcomes[0]).toMatchObject({ status: 'partial', pages: 1, entries: 10 })
      expect(outcomes[0]?.reason).toMatch(/^page 2: no complete answer from 127\.0\.0\.1:\d+ within \d+ s$/)
      await expectBrowserClosed(seen)
    } finally {
      await site.close()
    }
  })

  it('refuses a page that Chromium was redirected to another host with', async () => {
    const site = await startHostileSite()
    try {
      site.setListing('elsewhere', { entries: 10 })
      site.setListing('moved', { entries: 10, pages: { 1: { kind: 'redirect', to: site.pageUrl('elsewhere', 1, site.otherOrigin) } } })
      const { pages, outcomes } = await crawl([legacyTarget(site.pageUrl('moved'))], { origins: new OriginMap() })
      expect(outcomes[0]).toMatchObject({ status: 'failed', pages: 0 })
      expect(outcomes[0]?.reason).toBe(`page 1: redirect to ${site.otherOrigin}/elsewhere refused: ${OTHER_HOST}:${site.otherPort} is not this listing's host (allowedHosts)`)
      expect(pages.map((page) => page.body)).toEqual([null])
    } finally {
      await site.close()
    }
  })
})

describe('crawlListingsInBrowser politeness', { timeout: 60_000 }, () => {
  it('sends its User-Agent, blocks images, fonts, stylesheets and other hosts, keeps same-host scripts', async () => {
    const elsewhere = await serve(() => 'console.log("tracked")')
    const page = (self: string) =>
      `<!DOCTYPE html><html><head><link rel="stylesheet" href="/style.css"><script src="${elsewhere.origin}/track.js"></script></head><body>` +
      `<img src="/photo.jpg"><img src="${elsewhere.origin}/pixel.gif"><script src="/app.js"></script>` +
      `<ul class="other-story-list"><li><h3 class="h4"><a href="${self}/latest/a-post/">A post</a></h3></li></ul></body></html>`
    const site = await serve((request, origin) => (request.url === '/robots.txt' ? 'User-agent: *\nAllow: /\n' : request.url === '/list/' ? page(origin) : ''))
    try {
      const { outcomes, seen } = await crawl([target(`${site.origin}/list/`)], { origins: new OriginMap() })
      expect(outcomes[0]).toMatchObject({ status: 'complete', entries: 1 })
      await expectBrowserClosed(seen)
    } finally {
      await Promise.all([site.close(), elsewhere.close()])
    }
    expect(elsewhere.seen).toEqual([])
    expect(site.seen.map((request) => request.path).sort()).toEqual(['/app.js', '/list/', '/robots.txt'])
    expect(site.seen.find((request) => request.path === '/list/')?.agent).toBe('eurowatch-test/1 (+https://example.org/eurowatch)')
  })
})

async function serve(body: (request: IncomingMessage, origin: string) => string) {
  const seen: { path: string; agent: string | undefined }[] = []
  let origin = ''
  const server = createServer((request, response) => {
    seen.push({ path: request.url ?? '', agent: request.headers['user-agent'] })
    const type = request.url?.endsWith('.js') ? 'text/javascript' : request.url?.endsWith('.txt') ? 'text/plain' : 'text/html; charset=utf-8'
    response.setHeader('content-type', type)
    response.end(body(request, origin))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    origin,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

