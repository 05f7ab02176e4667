// One crawl over listings of both kinds: those marked `render: browser` in Chromium, the others
// over HTTP, both at once, into one sink.
import type { Logger } from 'pino'
import { UserError } from '../domain/errors.ts'
import type { BrowserCrawlSettings, BrowserSettings } from './browser-crawler.ts'
import { findChromium, type ChromiumLookup, type ChromiumSearch } from './chromium.ts'
import { HostLimiter, type RequestLimiter } from './host-limiter.ts'
import { crawlListings } from './http-crawler.ts'
import type { CrawledListing, CrawlSettings, ListingTarget, PageSink } from './listing-crawl.ts'

/** Browser settings are needed only when some listing is rendered in the browser. */
export type MixedCrawlSettings = CrawlSettings & { browser?: BrowserSettings }

/**
 * The crawled listings in the targets' order, whichever crawler fetched each. Without a Chromium the
 * browser listings fail and the others are crawled; a configured path that is not there stops the run.
 */
export async function crawlListingsByRender(
  targets: ListingTarget[],
  sink: PageSink,
  settings: MixedCrawlSettings,
  log: Logger,
  lookUpChromium: (search: ChromiumSearch) => Promise<ChromiumLookup> = findChromium,
): Promise<CrawledListing[]> {
  const inBrowser = targets.filter((target) => target.render === 'browser')
  const overHttp = targets.filter((target) => target.render !== 'browser')
  const { browser } = settings
  if (inBrowser.length > 0 && !browser) throw new Error(`browser settings are required to crawl ${inBrowser.map((target) => target.sourceName).join(', ')} (render: browser)`)
  // once per run and before any fetch, so a mistyped path does not leave half a run behind
  const chromium = browser && inBrowser.length > 0 ? await lookUpChromium({ configured: browser.executablePath, searchPath: browser.searchPath }) : null
  if (chromium && 'unavailable' in chromium && chromium.configured) throw new UserError(chromium.unavailable)
  // one pace per host for both crawlers: a site's HTTP and browser listings are one site to it
  const limiter = settings.limiter ?? new HostLimiter(settings.perHostDelaySeconds)
  const results = await Promise.allSettled([
    overHttp.length > 0 ? crawlListings(overHttp, sink, settings, log, limiter) : [],
    browser && chromium ? crawlInBrowser(inBrowser, sink, { ...settings, browser }, chromium, limiter, log) : [],
  ])
  const crawled = new Map<number, CrawledListing>()
  for (const result of results) {
    if (result.status === 'rejected') throw result.reason
    for (const listing of result.value) crawled.set(listing.target.listingId, listing)
  }
  return targets.map((target) => {
    const listing = crawled.get(target.listingId)
    if (!listing) throw new Error(`no crawl of listing ${target.listingId}`)
    return listing
  })
}

async function crawlInBrowser(
  targets: ListingTarget[],
  sink: PageSink,
  settings: BrowserCrawlSettings,
  chromium: ChromiumLookup,
  limiter: RequestLimiter,
  log: Logger,
): Promise<CrawledListing[]> {
  if ('unavailable' in chromium) {
    log.warn({ reason: chromium.unavailable }, 'no Chromium: the browser listings fail, the others are crawled')
    // not one page fetched, and why: the listing's verdict is "failed" for that reason
    return targets.map((target) => ({ target, skipped: [chromium.unavailable] }))
  }
  // Playwright is loaded only when a listing needs it: tens of MB and a slower start otherwise
  const { crawlListingsInBrowser } = await import('./browser-crawler.ts')
  return crawlListingsInBrowser(targets, sink, { ...settings, browser: { ...settings.browser, executablePath: chromium.path } }, log, limiter)
}
