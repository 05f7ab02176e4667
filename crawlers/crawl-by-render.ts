// One crawl over listings of both kinds: those marked `render: browser` in Chromium, the others
// over HTTP, both at once, into one sink.
import type { Logger } from 'pino'
import type { BrowserSettings } from './browser-crawler.ts'
import { crawlListings } from './http-crawler.ts'
import type { CrawlSettings, ListingCrawlOutcome, ListingTarget, PageSink } from './listing-crawl.ts'

/** Browser settings are needed only when some listing is rendered in the browser. */
export type MixedCrawlSettings = CrawlSettings & { browser?: BrowserSettings }

/** Outcomes in the targets' order, whichever crawler fetched each listing. */
export async function crawlListingsByRender(targets: ListingTarget[], sink: PageSink, settings: MixedCrawlSettings, log: Logger): Promise<ListingCrawlOutcome[]> {
  const inBrowser = targets.filter((target) => target.render === 'browser')
  const overHttp = targets.filter((target) => target.render !== 'browser')
  const { browser } = settings
  // Playwright is loaded only when a listing needs it: tens of MB and a slower start otherwise
  const inChromium = inBrowser.length > 0 ? await import('./browser-crawler.ts') : null
  if (inChromium) {
    if (!browser) throw new Error(`browser settings are required to crawl ${inBrowser.map((target) => target.sourceName).join(', ')} (render: browser)`)
    // before any fetch, so a missing Chromium does not leave half a run behind
    inChromium.requireChromium(browser.executablePath)
  }
  // The sink stores one batch at a time; two crawlers must not interleave their writes.
  const shared = serialized(sink)
  const results = await Promise.allSettled([
    overHttp.length > 0 ? crawlListings(overHttp, shared, settings, log) : [],
    inChromium && browser ? inChromium.crawlListingsInBrowser(inBrowser, shared, { ...settings, browser }, log) : [],
  ])
  const outcomes = new Map<number, ListingCrawlOutcome>()
  for (const result of results) {
    if (result.status === 'rejected') throw result.reason
    for (const outcome of result.value) outcomes.set(outcome.target.listingId, outcome)
  }
  return targets.map((target) => {
    const outcome = outcomes.get(target.listingId)
    if (!outcome) throw new Error(`no outcome for listing ${target.listingId}`)
    return outcome
  })
}

function serialized(sink: PageSink): PageSink {
  let last: Promise<void> = Promise.resolve()
  return {
    storePages(pages) {
      const next = last.then(() => sink.storePages(pages))
      last = next.catch(() => undefined)
      return next
    },
  }
}
