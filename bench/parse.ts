// Reading pages in worker threads (jobs/page-reader.ts) next to reading them on the crawl's own
// thread: throughput over the same replica pages, what a deeply nested page costs either way (the
// crawl's event loop stalled, or one thread ended at the budget), and a page slower than the timeout.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { availableParallelism } from 'node:os'
import { load } from 'cheerio'
import { pino } from 'pino'
import { crawlListings } from '../crawlers/http-crawler.ts'
import type { FetchedPage, ListingTarget } from '../crawlers/listing-crawl.ts'
import { OriginMap } from '../crawlers/origin-map.ts'
import { PageReader } from '../jobs/page-reader.ts'
import { readFetchedPage } from '../jobs/read-page.ts'
import { judgeListing } from '../domain/listing-status.ts'
import { parsedPage, type ListingPageOutcome } from '../domain/page-outcome.ts'
import { resolveProfile } from '../parsers/index.ts'
import type { Replica } from '../replica/index.ts'
import { ARCHIVE_PATH, ARCHIVE_URL } from './archive.ts'

const legacy = resolveProfile('eurocities-legacy')

export interface ReadFigures {
  cores: number
  pages: number
  /** Pages read per second on the crawl's thread, and with 1 and 2 worker threads. */
  onThread: number
  oneThread: number
  twoThreads: number
}

/** The same pages read three ways, twice each (the first round warms the threads up). */
export async function benchReading(replica: Replica, count: number): Promise<ReadFigures> {
  const pages = await fetchPages(replica, count)
  const rate = async (read: () => Promise<unknown>) => {
    await read()
    const started = performance.now()
    await read()
    return pages.length / ((performance.now() - started) / 1000)
  }
  const onThread = await rate(async () => pages.forEach((page) => readFetchedPage(page, null)))
  const inWorkers = (threads: number) => {
    const reader = new PageReader({ threads, budgetSeconds: 60 })
    return rate(() => Promise.all(pages.map((page) => reader.read(page, null))))
  }
  return { cores: availableParallelism(), pages: pages.length, onThread, oneThread: await inWorkers(1), twoThreads: await inWorkers(2) }
}

export interface NestedFigures {
  /** cheerio.load of N nested <div>s on the crawl's thread: the event loop stalls this long. */
  onThreadMs: { depth: number; ms: number }[]
  /** 100,000 nested <div>s given to a worker with a 5 s budget: the outcome, and the longest event loop stall meanwhile. */
  worker: { depth: number; ms: number; outcome: string; longestStallMs: number }
}

export async function benchNested(): Promise<NestedFigures> {
  const onThreadMs = [10_000, 20_000, 40_000].map((depth) => {
    const html = nestedPage(depth)
    const started = performance.now()
    load(html)
    return { depth, ms: Math.round(performance.now() - started) }
  })
  const depth = 100_000
  const reader = new PageReader({ threads: 1, budgetSeconds: 5 })
  await reader.read(fetchedPage(legacyTarget('http://bench.example/warm-up'), Buffer.from('<p>warm</p>'), 'http://bench.example/warm-up'), null)
  const delay = monitorEventLoopDelay({ resolution: 10 })
  delay.enable()
  const started = performance.now()
  const { outcome } = await reader.read(fetchedPage(legacyTarget('http://bench.example/nested'), Buffer.from(nestedPage(depth)), 'http://bench.example/nested'), null)
  const ms = Math.round(performance.now() - started)
  delay.disable()
  return { onThreadMs, worker: { depth, ms, outcome: outcome.kind === 'layout-error' ? outcome.reason : outcome.kind, longestStallMs: Math.round(delay.max / 1e6) } }
}

/** A listing whose page 2 answers after timeoutSeconds + 2 s (the replica's slow fault): how the crawl ends, and when. */
export async function benchSlowPage(replica: Replica): Promise<{ status: string; reason: string | null; ms: number; timeoutSeconds: number; retries: number }> {
  const timeoutSeconds = 2
  const retries = 1
  replica.setFaults([{ kind: 'slow', delayMs: (timeoutSeconds + 2) * 1000, match: `${ARCHIVE_PATH}&newsstart=11&` }])
  try {
    const outcomes: ListingPageOutcome[] = []
    const sink = {
      async acceptPage(page: FetchedPage) {
        const { outcome } = readFetchedPage(page, null)
        outcomes.push({ pageNumber: page.pageNumber, canonicalUrl: page.canonicalUrl, outcome })
        return { nextPage: parsedPage(outcome)?.nextPage ?? null }
      },
    }
    const target = { ...legacyTarget(ARCHIVE_URL), maxPages: 5 }
    const settings = {
      userAgent: 'eurowatch-bench/1',
      respectRobotsTxt: true,
      perHostDelaySeconds: 0,
      maxConcurrency: 4,
      maxRetries: retries,
      retryBaseDelaySeconds: 0.1,
      maxRetryAfterSeconds: 5,
      timeoutSeconds,
      maxResponseBytes: 5_000_000,
      origins: new OriginMap(['www.eurocities.eu'], replica.origin),
    }
    const started = performance.now()
    const crawled = await crawlListings([target], sink, settings, pino({ level: 'silent' }))
    const ms = Math.round(performance.now() - started)
    const verdict = judgeListing({ pages: outcomes, maxPages: target.maxPages, skipped: crawled[0]?.skipped ?? [], baseline: null })
    return { status: verdict.status, reason: verdict.reason, ms, timeoutSeconds, retries }
  } finally {
    replica.setFaults([])
  }
}

export function formatReading(read: ReadFigures, nested: NestedFigures, slow: Awaited<ReturnType<typeof benchSlowPage>>): string[] {
  return [
    `reading ${read.pages} replica pages on ${read.cores} cores: ${read.onThread.toFixed(0)} pages/s on the crawl's thread, ` +
      `${read.oneThread.toFixed(0)} pages/s in 1 worker thread (ratio ${(read.oneThread / read.onThread).toFixed(2)}), ` +
      `${read.twoThreads.toFixed(0)} pages/s in 2 (ratio ${(read.twoThreads / read.onThread).toFixed(2)})`,
    `nested <div>s, cheerio.load on the crawl's thread (its event loop stalled throughout): ${nested.onThreadMs.map((n) => `${n.depth.toLocaleString('en')} ${(n.ms / 1000).toFixed(1)} s`).join(', ')}`,
    `${nested.worker.depth.toLocaleString('en')} nested <div>s in a worker thread, budget 5 s: "${nested.worker.outcome}" after ${(nested.worker.ms / 1000).toFixed(1)} s; ` +
      `longest stall of the crawl's event loop meanwhile ${nested.worker.longestStallMs} ms`,
    `page 2 answering after timeoutSeconds + 2 s (timeoutSeconds ${slow.timeoutSeconds}, ${slow.retries} retry): the listing ends ${slow.status} in ${(slow.ms / 1000).toFixed(1)} s (${slow.reason})`,
  ]
}

function nestedPage(depth: number): string {
  return `<html><body>${'<div>'.repeat(depth)}<div id="content"></div>${'</div>'.repeat(depth)}</body></html>`
}

function legacyTarget(url: string): ListingTarget {
  return { listingId: 1, sourceName: 'bench', url, profile: legacy, maxPages: 1, render: 'http', theme: null }
}

function fetchedPage(target: ListingTarget, body: Buffer, url: string): FetchedPage {
  return { target, pageNumber: 1, canonicalUrl: url, fetchedUrl: url, status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body, charset: null, attempts: 1, notice: null, durationMs: 0, failure: null }
}

async function fetchPages(replica: Replica, count: number): Promise<FetchedPage[]> {
  const pages: FetchedPage[] = []
  for (let index = 0; index < count; index += 1) {
    const suffix = index === 0 ? '' : `&newsstart=${1 + index * 10}&newscount=10&contentURL=allcontent`
    const response = await fetch(`${replica.origin}${ARCHIVE_PATH}${suffix}`)
    pages.push(fetchedPage(legacyTarget(`${ARCHIVE_URL}${suffix}`), Buffer.from(await response.arrayBuffer()), `${ARCHIVE_URL}${suffix}`))
  }
  return pages
}
