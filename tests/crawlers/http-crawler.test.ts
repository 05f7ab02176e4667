import { createHook } from 'node:async_hooks'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { crawlListings } from '../../crawlers/http-crawler.ts'
import type { CrawlSettings, ListingTarget } from '../../crawlers/listing-crawl.ts'
import { OriginMap } from '../../crawlers/origin-map.ts'
import { eurocitiesLegacy } from '../../parsers/eurocities-legacy.ts'
import { startReplica, type Replica } from '../../replica/index.ts'
import { readFixtureJson } from '../support/fixtures.ts'
import { entriesOf, readingSink } from './reading-sink.ts'

const LEGACY = 'http://www.eurocities.eu'
const SOCIAL = `${LEGACY}/eurocities/issues/social-innovation-issue`
const silent = pino({ level: 'silent' })

let replica: Replica

beforeAll(async () => {
  replica = await startReplica({ port: 0 })
})
afterAll(async () => {
  await replica.close()
})

function settings(overrides: Partial<CrawlSettings> = {}): CrawlSettings {
  return {
    userAgent: 'eurowatch-test/1 (+https://example.org/eurowatch)',
    respectRobotsTxt: true,
    perHostDelaySeconds: 0,
    maxConcurrency: 4,
    maxRetries: 3,
    retryBaseDelaySeconds: 0.02,
    maxRetryAfterSeconds: 5,
    timeoutSeconds: 5,
    maxResponseBytes: 2_000_000,
    origins: new OriginMap(['www.eurocities.eu'], replica.origin),
    ...overrides,
  }
}

function target(url = SOCIAL, listingId = 1, maxPages = 50): ListingTarget {
  return { listingId, sourceName: `listing-${listingId}`, url, profile: eurocitiesLegacy, maxPages, render: 'http', theme: null }
}

async function crawl(targets: ListingTarget[], overrides: Partial<CrawlSettings> = {}) {
  const sink = readingSink()
  const crawled = await crawlListings(targets, sink, settings(overrides), silent)
  const pages = [...sink.pages].sort((a, b) => a.target.listingId - b.target.listingId || a.pageNumber - b.pageNumber)
  return { pages, outcomes: sink.verdicts(crawled) }
}

describe('crawlListings over the replica', () => {
  it('follows a listing to its last page with canonical URLs and continuous positions', async () => {
    replica.setFaults([])
    const { pages, outcomes } = await crawl([target()])
    expect(outcomes[0]).toMatchObject({ status: 'complete', pages: 3, reason: null })
    expect(pages.map((page) => page.canonicalUrl)).toEqual([
      SOCIAL,
      `${SOCIAL}&newsstart=11&newscount=10&contentURL=social-innovation-issue`,
      `${SOCIAL}&newsstart=21&newscount=10&contentURL=social-innovation-issue`,
    ])
    expect(pages[1]?.fetchedUrl).toBe(`${replica.origin}/eurocities/issues/social-innovation-issue&newsstart=11&newscount=10&contentURL=social-innovation-issue`)
    const expected = readFixtureJson<{ entries: { key: string; url: string }[] }>('legacy/social-innovation-issue.expected.json')
    const entries = entriesOf(pages)
    expect(entries.slice(0, 10).map((entry) => entry.url)).toEqual(expected.entries.map((entry) => entry.url))
    expect(outcomes[0]?.entries).toBe(entries.length)
    expect(pages.map((page) => page.firstPosition)).toEqual([1, 11, 21])
    expect(pages.every((page) => page.status === 200 && page.body && page.attempts === 1)).toBe(true)
  })

  it('crawls the same listing twice in one process', async () => {
    const first = await crawl([target()])
    const second = await crawl([target()])
    expect(entriesOf(second.pages).map((entry) => entry.key)).toEqual(entriesOf(first.pages).map((entry) => entry.key))
  })

  it('leaves no timer behind once it returns: nothing keeps the process alive after a crawl', async () => {
    // the timers the crawl itself set (not the test runner's, nor an earlier test's), still pending and holding the process
    const set = new Map<number, { timer: NodeJS.Timeout; stack: string }>()
    const hook = createHook({
      init(id, type, _trigger, resource) {
        if (type === 'Timeout') set.set(id, { timer: resource as NodeJS.Timeout, stack: new Error().stack ?? '' })
      },
    })
    hook.enable()
    try {
      await crawl([target()])
    } finally {
      hook.disable()
    }
    const pending = [...set.values()].filter(({ timer }) => timer.hasRef() && !(timer as NodeJS.Timeout & { _destroyed: boolean })._destroyed)
    expect(pending.map(({ stack }) => stack.split('\n').slice(2, 6).join(' | '))).toEqual([])
  })

  it('gives two sources with the same URL a fetch each', async () => {
    const { outcomes } = await crawl([target(SOCIAL, 1), target(SOCIAL, 2)])
    expect(outcomes.map((outcome) => outcome.pages)).toEqual([3, 3])
  })

  it('retries 5xx responses with backoff and records the attempts', async () => {
    replica.setFaults([{ kind: 'status', status: 500, times: 2, match: 'social-innovation-issue' }])
    const { pages, outcomes } = await crawl([target()])
    replica.setFaults([])
    expect(outcomes[0]?.status).toBe('complete')
    expect(pages[0]?.attempts).toBe(3)
  })

  it('waits for Retry-After on 429', async () => {
    replica.setFaults([{ kind: 'rate-limit', retryAfterSeconds: 1, times: 1, match: 'social-innovation-issue' }])
    const started = Date.now()
    const { outcomes } = await crawl([target()])
    replica.setFaults([])
    expect(outcomes[0]?.status).toBe('complete')
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
  })

  it('reports a page that keeps failing as a failed listing, with the reason', async () => {
    replica.setFaults([{ kind: 'status', status: 503, match: 'social-innovation-issue' }])
    const { pages, outcomes } = await crawl([target()], { maxRetries: 1 })
    replica.setFaults([])
    expect(outcomes[0]).toMatchObject({ status: 'failed', pages: 0 })
    expect(outcomes[0]?.reason).toContain('503')
    expect(pages).toHaveLength(1)
    expect(pages[0]?.outcome).toMatchObject({ kind: 'fetch-failed' })
  })

  it('keeps the body of a page whose layout changed and marks the listing partial, not empty', async () => {
    replica.setFaults([{ kind: 'layout-drift', match: 'newsstart=11' }])
    const { pages, outcomes } = await crawl([target()])
    replica.setFaults([])
    expect(outcomes[0]?.status).toBe('partial')
    expect(outcomes[0]?.reason).toMatch(/page 2: layout: no entries/)
    expect(pages[1]?.outcome.kind).toBe('layout-error')
    expect(pages[1]?.body?.length).toBeGreaterThan(0)
    expect(pages[1]?.attempts).toBe(1)
  })

  it('fails a truncated body after retrying it', async () => {
    replica.setFaults([{ kind: 'truncate', match: 'social-innovation-issue' }])
    const { outcomes } = await crawl([target()], { maxRetries: 1 })
    replica.setFaults([])
    expect(outcomes[0]?.status).toBe('failed')
  })

  it('rejects a response above the size cap', async () => {
    replica.setFaults([{ kind: 'oversize', bytes: 3_000_000, match: 'social-innovation-issue' }])
    const { outcomes } = await crawl([target()])
    replica.setFaults([])
    expect(outcomes[0]?.status).toBe('failed')
    expect(outcomes[0]?.reason).toContain('exceeds the limit of 2000000')
  })

  it('rejects a non-HTML response with a clear reason', async () => {
    const { outcomes } = await crawl([target(`${LEGACY}/eurocities/img/logo.gif`)])
    expect(outcomes[0]?.status).toBe('failed')
    expect(outcomes[0]?.reason).toContain('not an HTML page (Content-Type image/gif)')
  })

  it('does not fetch what robots.txt disallows', async () => {
    replica.resetRequests()
    const { outcomes } = await crawl([target(`${LEGACY}/eurocities/search&query=x`)])
    expect(outcomes[0]?.status).toBe('failed')
    expect(outcomes[0]?.reason).toContain('disallowed by robots.txt')
    expect(replica.requests().some((request) => request.path.startsWith('/eurocities/search'))).toBe(false)
  })

  it('stops at the page limit and does not call the listing complete', async () => {
    const { outcomes } = await crawl([target(SOCIAL, 1, 2)])
    expect(outcomes[0]).toMatchObject({ status: 'partial', pages: 2 })
    expect(outcomes[0]?.reason).toContain('page limit (2 pages)')
  })
})

describe('crawlListings on a broken pager', () => {
  it('stops when a next link leads back to a page it has crawled, and does not call the listing complete', async () => {
    const page = (n: number) =>
      `<div id="content"><div class="newslist"><div class="newsitem"><h2 class="newstitle"><a href="/eurocities/news/E-WSPO-AAAAA${n}">E${n}</a></h2></div></div>` +
      `<div class="pager"><a class="next" href="/list&newsstart=${n === 2 ? 1 : 11}">next</a></div></div>`
    const server = createServer((request, response) => {
      if (request.url === '/robots.txt') return void response.end('')
      response.setHeader('content-type', 'text/html; charset=utf-8')
      response.end(page(request.url === '/list&newsstart=11' ? 2 : 1))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const { outcomes } = await crawl([target(`${origin}/list&newsstart=1`)], { origins: new OriginMap() })
      expect(outcomes[0]).toMatchObject({ status: 'partial', pages: 2 })
      expect(outcomes[0]?.reason).toBe(`page 2: the next link leads back to ${origin}/list&newsstart=1`)
    } finally {
      server.close()
    }
  })
})

describe('crawlListings politeness', () => {
  it('sends its own User-Agent everywhere, robots.txt included, and asks for robots.txt first', async () => {
    const seen: { path: string; agent: string | undefined }[] = []
    const page = (next: string) =>
      `<div id="content"><div class="newslist"><div class="newsitem"><h2 class="newstitle"><a href="/eurocities/news/A-WSPO-AAAAAA">A</a></h2></div></div>${next}</div>`
    const server = createServer((request, response) => {
      seen.push({ path: request.url ?? '', agent: request.headers['user-agent'] })
      if (request.url === '/robots.txt') return void response.end('User-agent: *\nAllow: /\n')
      response.setHeader('content-type', 'text/html; charset=utf-8')
      response.end(page(request.url === '/list' ? '<div class="pager"><a class="next" href="/list&newsstart=11">next</a></div>' : ''))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const { outcomes } = await crawl([target(`${origin}/list`)], { origins: new OriginMap(), perHostDelaySeconds: 0.3 })
      expect(outcomes[0]).toMatchObject({ status: 'complete', pages: 2 })
    } finally {
      server.close()
    }
    expect(seen.map((request) => request.path)).toEqual(['/robots.txt', '/list', '/list&newsstart=11'])
    expect(seen.map((request) => request.agent)).toEqual(seen.map(() => 'eurowatch-test/1 (+https://example.org/eurowatch)'))
  })
})

describe('crawlListings on a page with an unknown charset', () => {
  it('hands the bytes as they came; the sniffing rules read them by their <meta>, and the listing completes', async () => {
    const html = `<html><head><meta charset="windows-1252"></head><body><div id="content"><div class="newslist"><div class="newsitem"><h2 class="newstitle"><a href="/eurocities/news/M-WSPO-AAAAAA">M\u00e1laga \u2013 Krak\u00f3w</a></h2></div></div></div></body></html>`
    const bytes = Buffer.from(html.replace('\u2013', '\x96'), 'latin1')
    const server = createServer((request, response) => {
      if (request.url === '/robots.txt') return void response.end('')
      response.setHeader('content-type', 'text/html; charset=x-no-such-charset')
      response.end(bytes)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const { pages, outcomes } = await crawl([target(`${origin}/list`)], { origins: new OriginMap() })
      expect(outcomes[0]).toMatchObject({ status: 'complete', pages: 1 })
      expect(pages[0]?.body?.equals(bytes)).toBe(true)
      expect(entriesOf(pages).map((entry) => entry.title)).toEqual(['M\u00e1laga \u2013 Krak\u00f3w'])
    } finally {
      server.close()
    }
  })
})

describe('crawlListings on a lying Content-Length', () => {
  it('refuses the page and survives its body failing later, unread', async () => {
    const server = createServer((request, response) => {
      if (request.url === '/robots.txt') return void response.end('')
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': '1000000000000' })
      response.write('x'.repeat(1024))
      setTimeout(() => response.destroy(), 300)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const { outcomes } = await crawl([target(`${origin}/list`)], { origins: new OriginMap(), maxRetries: 0 })
      expect(outcomes[0]?.status).toBe('failed')
      expect(outcomes[0]?.reason).toContain('exceeds the limit')
      // the refused body's stream fails after the crawl: an unhandled error would fail this file
      await new Promise((resolve) => setTimeout(resolve, 800))
    } finally {
      server.close()
    }
  })
})

describe('crawlListings on a next link that is no web page', () => {
  it.each(['javascript:alert(1)', 'data:text/html,<p>x</p>', 'file:///etc/passwd'])('keeps page 1 and ends the listing as partial at %s', async (link) => {
    const server = createServer((request, response) => {
      if (request.url === '/robots.txt') return void response.end('')
      response.setHeader('content-type', 'text/html; charset=utf-8')
      response.end(
        `<div id="content"><div class="newslist"><div class="newsitem"><h2 class="newstitle"><a href="/eurocities/news/A-WSPO-AAAAAA">A</a></h2></div></div>` +
          `<div class="pager"><a class="next" href="${link}">next</a></div></div>`,
      )
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const { pages, outcomes } = await crawl([target(`${origin}/list`)], { origins: new OriginMap() })
      expect(outcomes[0]).toMatchObject({ status: 'partial', pages: 1, entries: 1 })
      expect(outcomes[0]?.reason).toContain('is not an http(s) URL')
      expect(pages.map((page) => page.attempts)).toEqual([1])
      expect(entriesOf(pages).map((entry) => entry.key)).toEqual(['WSPO-AAAAAA'])
    } finally {
      server.close()
    }
  })
})
