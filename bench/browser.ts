// The browser crawler next to the HTTP crawler over the same 200 replica pages, in one run:
// pages per second and peak memory (this process plus the Chromium processes below it).
// `npx tsx bench/browser.ts` runs it alone; bench/index.ts calls benchBrowser.
import { pathToFileURL } from 'node:url'
import { pino } from 'pino'
import { crawlListingsInBrowser } from '../crawlers/browser-crawler.ts'
import { crawlListings } from '../crawlers/http-crawler.ts'
import type { ListingTarget, PageSink } from '../crawlers/listing-crawl.ts'
import { requireChromium } from '../crawlers/chromium.ts'
import { OriginMap } from '../crawlers/origin-map.ts'
import { processTree, pssBytes } from '../crawlers/process-tree.ts'
import { parsedPage } from '../domain/page-outcome.ts'
import { readFetchedPage } from '../jobs/read-page.ts'
import { eurocitiesLegacy } from '../parsers/eurocities-legacy.ts'
import { BrowserSchema, PolitenessSchema } from '../src/config/schema.ts'
import { startReplica, type Replica } from '../replica/index.ts'
import { ARCHIVE_URL } from './archive.ts'

export const BROWSER_BENCH_PAGES = 200

export interface CrawlerFigures {
  pages: number
  entries: number
  seconds: number
  pagesPerSecond: number
  /** Peak of the summed resident sets of this process and its children (shared pages count once per process). */
  peakRssMb: number
  /** Peak of the summed proportional sets (shared pages split among their processes): closer to what the tree really holds. */
  peakPssMb: number
  /** The PSS sum after the first quarter of the pages and at the last page: growth across pages shows here. */
  pssAtQuarterMb: number
  pssAtLastPageMb: number
}

export interface BrowserBenchFigures {
  http: CrawlerFigures
  browser: CrawlerFigures
}

/** Both crawlers over the first BROWSER_BENCH_PAGES pages of the replica's archive listing (the replica needs at least that many). */
export async function benchBrowser(replica: Replica): Promise<BrowserBenchFigures> {
  const settings = {
    ...PolitenessSchema.parse({}),
    perHostDelaySeconds: 0,
    origins: new OriginMap(['www.eurocities.eu'], replica.origin),
    // the Chromium a run would use: CHROMIUM_PATH, else one on PATH, else the npm package's
    browser: { ...BrowserSchema.parse({}), executablePath: (await requireChromium({ configured: process.env.CHROMIUM_PATH, searchPath: process.env.PATH })).path },
  }
  const target: ListingTarget = {
    listingId: 1,
    sourceName: 'archive',
    url: ARCHIVE_URL,
    profile: eurocitiesLegacy,
    maxPages: BROWSER_BENCH_PAGES,
    render: 'browser',
    theme: null,
  }
  const log = pino({ level: 'silent' })
  const http = await measure((sink) => crawlListings([{ ...target, render: 'http' }], sink, settings, log))
  const browser = await measure((sink) => crawlListingsInBrowser([target], sink, settings, log))
  return { http, browser }
}

export function formatBrowserBench(figures: BrowserBenchFigures): string[] {
  const line = (name: string, f: CrawlerFigures) =>
    `${name}: ${f.pages} pages, ${f.entries} entries in ${f.seconds.toFixed(1)} s = ${f.pagesPerSecond.toFixed(1)} pages/s; ` +
    `peak memory of the process and its children: PSS ${f.peakPssMb.toFixed(0)} MB (${f.pssAtQuarterMb.toFixed(0)} MB after a quarter of the pages, ${f.pssAtLastPageMb.toFixed(0)} MB at the last), RSS sum ${f.peakRssMb.toFixed(0)} MB`
  const ratio = figures.http.pagesPerSecond / figures.browser.pagesPerSecond
  const more = figures.browser.peakPssMb - figures.http.peakPssMb
  return [line('HTTP crawler', figures.http), line('browser crawler', figures.browser), `browser / HTTP: ${ratio.toFixed(1)}x slower, ${more.toFixed(0)} MB more at peak (PSS)`]
}

async function measure(crawl: (sink: PageSink) => Promise<unknown>): Promise<CrawlerFigures> {
  let pages = 0
  let entries = 0
  const peak = { rss: 0, pss: 0 }
  const marks = { quarter: 0, last: 0 }
  const sample = () => {
    const tree = processTree()
    const pss = tree.reduce((sum, info) => sum + pssBytes(info.pid), 0)
    peak.rss = Math.max(peak.rss, tree.reduce((sum, info) => sum + info.rssBytes, 0))
    peak.pss = Math.max(peak.pss, pss)
    return pss
  }
  // each page read as the crawl job reads it (decoded, parsed), without storage
  const sink: PageSink = {
    async acceptPage(page) {
      pages += 1
      const parsed = parsedPage(readFetchedPage(page, null).outcome)
      entries += parsed?.entries.length ?? 0
      if (pages === BROWSER_BENCH_PAGES / 4) marks.quarter = sample()
      // the sink runs inside the crawl: the browser is still open here
      if (pages === BROWSER_BENCH_PAGES) marks.last = sample()
      return { nextPage: parsed?.nextPage ?? null }
    },
  }
  const timer = setInterval(sample, 100)
  const started = performance.now()
  try {
    await crawl(sink)
  } finally {
    clearInterval(timer)
  }
  const seconds = (performance.now() - started) / 1000
  const mb = (bytes: number) => bytes / 1024 / 1024
  return {
    pages,
    entries,
    seconds,
    pagesPerSecond: pages / seconds,
    peakRssMb: mb(peak.rss),
    peakPssMb: mb(peak.pss),
    pssAtQuarterMb: mb(marks.quarter),
    pssAtLastPageMb: mb(marks.last),
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const replica = await startReplica({ port: 0, archivePages: BROWSER_BENCH_PAGES })
  try {
    for (const text of formatBrowserBench(await benchBrowser(replica))) process.stdout.write(`${text}\n`)
  } finally {
    await replica.close()
  }
}
