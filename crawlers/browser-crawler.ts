// Listings filled by JavaScript: crawlee's PlaywrightCrawler on Chromium (see chromium.ts). The page's
// HTML, once the list is there, goes to the same parser and the same bookkeeping as over HTTP.
import { AsyncResource } from 'node:async_hooks'
import { PlaywrightCrawler, log as crawleeLog, LogLevel, type PlaywrightCrawlingContext } from '@crawlee/playwright'
import { chromium, type Page, type Response } from 'playwright'
import type { Logger } from 'pino'
import { crawleeConfiguration } from './crawlee-configuration.ts'
import { CHROMIUM_ARGS, requireChromium } from './chromium.ts'
import { HostLimiter, type RequestLimiter } from './host-limiter.ts'
import { ListingCrawl, type CrawledListing, type CrawlSettings, type FetchedResponse, type ListingTarget, type PageRequest, type PageSink } from './listing-crawl.ts'
import { contentTypeProblem, describeFailedRequest, isRetryableStatus, sizeProblem, statusProblem, waitBeforeRetry } from './page-checks.ts'
import { robotsRulesOf } from './politeness.ts'
import { offSiteRefusal } from './site-scope.ts'

export interface BrowserSettings {
  /** The Chromium to launch: as configured (browser.executablePath, CHROMIUM_PATH) or as found; absent: looked for (see findChromium). */
  executablePath?: string | undefined
  /** Where to look for a system Chromium when none is named: the PATH. */
  searchPath?: string | undefined
  navigationTimeoutSeconds: number
  /** How long to wait for the profile's readySelector before parsing what the page shows. */
  listTimeoutSeconds: number
  /** Pages open at once; each costs a renderer process. Default 2, never above the crawl's maxConcurrency. */
  maxConcurrency?: number
}

export type BrowserCrawlSettings = CrawlSettings & { browser: BrowserSettings }

const DEFAULT_BROWSER_CONCURRENCY = 2
// naming a loopback host also stops Playwright from forcing loopback traffic through the proxy
const DIRECT_FOR_EVERY_HOST = '*,localhost,127.0.0.1,[::1]'
// What a listing's text never needs; skipping it keeps pages fast and light.
const BLOCKED_RESOURCE_TYPES = new Set(['image', 'font', 'media', 'stylesheet'])

crawleeLog.setLevel(LogLevel.OFF)

/** Crawls each listing in Chromium from page 1 to its last page (or the page limit) and hands every rendered page, as rendered, to the sink. */
export async function crawlListingsInBrowser(
  targets: ListingTarget[],
  sink: PageSink,
  settings: BrowserCrawlSettings,
  log: Logger,
  /** perHostDelaySeconds, shared with the HTTP crawler when both run at once. */
  limiter: RequestLimiter = settings.limiter ?? new HostLimiter(settings.perHostDelaySeconds),
): Promise<CrawledListing[]> {
  const { browser } = settings
  // one clear line instead of a launch failure deep inside Playwright, and before any fetch
  const { path: executablePath } = await requireChromium({ configured: browser.executablePath, searchPath: browser.searchPath })
  const robots = robotsRulesOf(settings, limiter)
  const crawl = new ListingCrawl(targets, sink, settings.origins, robots, log)
  const fetchedOf = (context: PlaywrightCrawlingContext, body: Buffer | null, notice: string | null = null): FetchedResponse => ({
    fetchedUrl: context.request.url,
    status: context.response?.status() ?? null,
    headers: context.response?.headers() ?? {},
    body,
    // the rendered page is serialized from the DOM as UTF-8, whatever the server sent
    charset: body ? 'utf-8' : null,
    attempts: context.request.retryCount + 1,
    notice,
  })

  const crawler = new PlaywrightCrawler(
    {
      launchContext: {
        launcher: chromium,
        userAgent: settings.userAgent,
        launchOptions: {
          executablePath,
          headless: true,
          args: CHROMIUM_ARGS,
          // crawlee routes every request through a proxy in this process (for per-page proxies, which we do not use):
          // bypassing it for every host saves a detour per request, and a refused connection is not the proxy's "HTTP 594"
          proxy: { server: 'http://127.0.0.1:9', bypass: DIRECT_FOR_EVERY_HOST },
        },
      },
      // fingerprints would replace our User-Agent with a browser's: we announce ourselves
      browserPoolOptions: { useFingerprints: false },
      useSessionPool: false,
      persistCookiesPerSession: false,
      maxConcurrency: Math.min(settings.maxConcurrency, browser.maxConcurrency ?? DEFAULT_BROWSER_CONCURRENCY),
      maxRequestRetries: settings.maxRetries,
      navigationTimeoutSecs: browser.navigationTimeoutSeconds,
      requestHandlerTimeoutSecs: browser.listTimeoutSeconds + settings.timeoutSeconds * 4,
      // perHostDelaySeconds is kept by the HostLimiter before each navigation, for every host (crawlee's keys on domains)
      // robots.txt is read by ListingCrawl, with our own User-Agent
      respectRobotsTxtFile: false,
      preNavigationHooks: [
        async (context, gotoOptions) => {
          await blockHeavyAndForeign(context.page)
          // the host's turn last, so the navigation follows it at once
          await limiter.turn(context.request.url)
          context.request.userData.startedAt = performance.now()
          // the list is awaited by its selector below, so the load event (images, late scripts) is not needed
          if (gotoOptions) gotoOptions.waitUntil = 'domcontentloaded'
        },
      ],
      requestHandler: async (context) => {
        const request = requestOf(context)
        const profile = crawl.targetOf(request).profile
        const status = context.response?.status() ?? null
        // Chromium follows redirects by itself: a page that ended on another site is not this listing's
        const offSite = await redirectRefusal(crawl.targetOf(request), context.request.url, context.page.url())
        if (offSite !== null) return crawl.pageFailed(request, fetchedOf(context, null), offSite)
        if (status !== null && isRetryableStatus(status)) throw new Error(`HTTP ${status}`)
        const failure = statusProblem(status) ?? contentTypeProblem(headerOf(context.response, 'content-type'))
        const ready = failure ? false : await waitForList(context.page, profile.readySelector, browser.listTimeoutSeconds)
        const body = Buffer.from(await context.page.content(), 'utf8')
        const problem = failure ?? sizeProblem(body.length, settings.maxResponseBytes)
        // say what was awaited, so "empty list" reads as "the script never filled it"
        const notice = ready || problem ? null : `${profile.readySelector} did not appear within ${browser.listTimeoutSeconds} s`
        if (problem) return crawl.pageFailed(request, fetchedOf(context, body), problem)
        await crawl.pageFetched(request, fetchedOf(context, body, notice), async (next) => {
          await context.addRequests([next])
          startNextNow()
        })
      },
      errorHandler: async (context, error) =>
        waitBeforeRetry(settings, log, {
          url: requestOf(context).canonicalUrl,
          retryCount: context.request.retryCount,
          retryAfter: headerOf(context.response, 'retry-after'),
          error,
        }),
      failedRequestHandler: async (context, error) => {
        const failed = { url: context.request.url, status: context.response?.status() ?? null, retries: context.request.retryCount, retryAfter: headerOf(context.response, 'retry-after'), error }
        await crawl.pageFailed(requestOf(context), fetchedOf(context, null), describeFailedRequest(failed, settings.timeoutSeconds))
      },
    },
    crawleeConfiguration(),
  )
  // Start the next page now rather than at the pool's next half-second tick, from outside the page's own
  // context: a task started inside it shares its cancellation (see http-crawler.ts).
  const startNextNow = AsyncResource.bind(() => void crawler.autoscaledPool?.notify())

  try {
    await crawler.run(await crawl.firstRequests())
  } finally {
    // closes the browser pool (every Chromium process) also when the run threw
    await crawler.teardown()
  }
  return crawl.finish()
}

/**
 * Aborts images, fonts, media and stylesheets, and every request to another host than the
 * document's own, so nothing leaves for third parties. The navigation itself (and its redirects) passes.
 */
async function blockHeavyAndForeign(page: Page): Promise<void> {
  await page.route('**/*', async (route) => {
    const request = route.request()
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) return route.continue()
    const foreign = new URL(request.url()).host !== new URL(page.url()).host
    return foreign || BLOCKED_RESOURCE_TYPES.has(request.resourceType()) ? route.abort('blockedbyclient') : route.continue()
  })
}

/** Why a page that was redirected to another host than the one asked is refused, or null. */
async function redirectRefusal(target: ListingTarget, requested: string, landed: string): Promise<string | null> {
  if (new URL(landed).host === new URL(requested).host) return null
  const refusal = await offSiteRefusal({ listingUrl: target.url, allowedHosts: target.allowedHosts }, landed)
  return refusal === null ? null : `redirect to ${landed.slice(0, 200)} refused: ${refusal}`
}

/** True once the selector is in the page; false after the timeout (the caller parses what is there). */
async function waitForList(page: Page, selector: string, timeoutSeconds: number): Promise<boolean> {
  try {
    await page.waitForSelector(selector, { state: 'attached', timeout: timeoutSeconds * 1000 })
    return true
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') return false
    throw error
  }
}

// PlaywrightCrawler's context is not generic in its userData; every request it runs was built by ListingCrawl.
function requestOf(context: PlaywrightCrawlingContext): PageRequest {
  return context.request.userData as PageRequest
}

function headerOf(response: Response | null | undefined, name: string): string | null {
  return response?.headers()[name] ?? null
}
