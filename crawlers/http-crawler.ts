import { Configuration, HttpCrawler, NonRetryableError, log as crawleeLog, LogLevel, type HttpCrawlingContext } from '@crawlee/http'
import type { Logger } from 'pino'
import { FetchHttpClient } from './fetch-http-client.ts'
import { ListingCrawl, type CrawlSettings, type FetchedResponse, type ListingCrawlOutcome, type ListingTarget, type PageRequest, type PageSink } from './listing-crawl.ts'
import { describeFetchError, parsePage, sizeProblem, statusProblem, waitBeforeRetry } from './page-checks.ts'

// The listing types moved to listing-crawl.ts (shared with the browser crawler); importers of this module keep working.
export type { CrawlSettings, FetchedListingPage, ListingCrawlOutcome, ListingCrawlStatus, ListingTarget, PageSink } from './listing-crawl.ts'

// crawlee logs its own INFO lines; ours are structured and go through pino
crawleeLog.setLevel(LogLevel.OFF)

/** Crawls each listing from page 1 to its last page (or the page limit) and hands every page to the sink. */
export async function crawlListings(
  targets: ListingTarget[],
  sink: PageSink,
  settings: CrawlSettings,
  log: Logger,
): Promise<ListingCrawlOutcome[]> {
  const crawl = new ListingCrawl(targets, sink, settings.origins, log)
  const fetchedOf = (context: HttpCrawlingContext<PageRequest>, body: Buffer | null): FetchedResponse => ({
    fetchedUrl: context.request.url,
    status: context.response?.statusCode ?? null,
    contentType: headerOf(context, 'content-type'),
    body,
    attempts: context.request.retryCount + 1,
  })

  const crawler = new HttpCrawler<HttpCrawlingContext<PageRequest>>(
    {
      httpClient: new FetchHttpClient(settings.maxResponseBytes),
      useSessionPool: false,
      persistCookiesPerSession: false,
      maxConcurrency: settings.maxConcurrency,
      // the next page is queued before the current one is stored, so fetching and storing overlap
      minConcurrency: Math.min(2, settings.maxConcurrency),
      maxRequestRetries: settings.maxRetries,
      navigationTimeoutSecs: settings.timeoutSeconds,
      requestHandlerTimeoutSecs: settings.timeoutSeconds * 4,
      sameDomainDelaySecs: settings.perHostDelaySeconds,
      respectRobotsTxtFile: settings.respectRobotsTxt ? { userAgent: 'eurowatch' } : false,
      additionalHttpErrorStatusCodes: [429],
      ignoreSslErrors: false,
      preNavigationHooks: [
        (context, gotOptions) => {
          context.request.userData.startedAt = performance.now()
          gotOptions.headers = { ...gotOptions.headers, 'user-agent': settings.userAgent, accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5' }
        },
      ],
      postNavigationHooks: [
        (context) => {
          const declared = Number(headerOf(context, 'content-length') ?? 0)
          if (declared > settings.maxResponseBytes) {
            throw new NonRetryableError(`response of ${declared} bytes exceeds the limit of ${settings.maxResponseBytes}`)
          }
        },
      ],
      requestHandler: async (context) => {
        const request = context.request.userData
        const body = Buffer.isBuffer(context.body) ? context.body : Buffer.from(context.body)
        const fetched = fetchedOf(context, body)
        const failure = statusProblem(fetched.status) ?? sizeProblem(body.length, settings.maxResponseBytes)
        const parsed = failure ? { error: failure } : parsePage(crawl.targetOf(request).profile, body.toString('utf8'), request.canonicalUrl)
        await crawl.pageFetched(request, fetched, parsed, async (next) => {
          await context.addRequests([next])
          // start the next page now rather than at the pool's next half-second tick
          crawler.autoscaledPool?.notify()
        })
      },
      errorHandler: async (context, error) =>
        waitBeforeRetry(settings, log, {
          url: context.request.userData.canonicalUrl,
          retryCount: context.request.retryCount,
          retryAfter: headerOf(context, 'retry-after'),
          error,
        }),
      failedRequestHandler: async (context, error) => crawl.pageFailed(context.request.userData, fetchedOf(context, null), describeFetchError(error)),
      onSkippedRequest: async ({ url, reason }) => crawl.skipped(url, reason),
    },
    new Configuration({ persistStorage: false }),
  )

  try {
    await crawler.run(crawl.firstRequests())
  } finally {
    await crawler.teardown()
  }
  return crawl.finish()
}

function headerOf(context: HttpCrawlingContext<PageRequest>, name: string): string | null {
  const value = context.response?.headers?.[name]
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null)
}
