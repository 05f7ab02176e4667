import { AsyncResource } from 'node:async_hooks'
import { HttpCrawler, NonRetryableError, log as crawleeLog, LogLevel, type HttpCrawlingContext } from '@crawlee/http'
import type { Logger } from 'pino'
import { crawleeConfiguration } from './crawlee-configuration.ts'
import { FetchHttpClient } from './fetch-http-client.ts'
import { HostLimiter, type RequestLimiter } from './host-limiter.ts'
import { ListingCrawl, type CrawledListing, type CrawlSettings, type FetchedResponse, type ListingRequest, type ListingTarget, type PageRequest, type PageSink } from './listing-crawl.ts'
import { RobotsRules } from './robots.ts'
import { backstopSeconds, contentTypeProblem, describeFailedRequest, sizeProblem, statusProblem, waitBeforeRetry } from './page-checks.ts'

// crawlee logs its own INFO lines; ours are structured and go through pino
crawleeLog.setLevel(LogLevel.OFF)

/** Crawls each listing from page 1 to its last page (or the page limit) and hands every page, as fetched, to the sink. */
export async function crawlListings(
  targets: ListingTarget[],
  sink: PageSink,
  settings: CrawlSettings,
  log: Logger,
  /** perHostDelaySeconds, shared with whatever else requests the same hosts at the same time. */
  limiter: RequestLimiter = settings.limiter ?? new HostLimiter(settings.perHostDelaySeconds),
): Promise<CrawledListing[]> {
  const robots = settings.respectRobotsTxt ? new RobotsRules(settings, limiter) : null
  const crawl = new ListingCrawl(targets, sink, settings.origins, robots, log)
  const fetchedOf = (context: HttpCrawlingContext<PageRequest>, body: Buffer | null): FetchedResponse => ({
    fetchedUrl: context.request.loadedUrl ?? context.request.url,
    status: context.response?.statusCode ?? null,
    headers: headersOf(context),
    body,
    charset: null,
    notice: null,
    attempts: context.request.retryCount + 1,
  })

  const crawler = new HttpCrawler<HttpCrawlingContext<PageRequest>>(
    {
      httpClient: new FetchHttpClient({ maxResponseBytes: settings.maxResponseBytes, timeoutSeconds: settings.timeoutSeconds, limiter }),
      useSessionPool: false,
      persistCookiesPerSession: false,
      maxConcurrency: settings.maxConcurrency,
      // the next page is queued before the current one is stored, so fetching and storing overlap
      minConcurrency: Math.min(2, settings.maxConcurrency),
      maxRequestRetries: settings.maxRetries,
      // the client's own timer ends each request at timeoutSeconds; crawlee's timeouts only back it up
      navigationTimeoutSecs: backstopSeconds(settings),
      requestHandlerTimeoutSecs: backstopSeconds(settings),
      // perHostDelaySeconds is kept by the client's HostLimiter, for every host (crawlee's keys on domains)
      // robots.txt is read by ListingCrawl, with our own User-Agent
      respectRobotsTxtFile: false,
      additionalHttpErrorStatusCodes: [429],
      // every answer reaches the postNavigationHook below, which refuses what is not HTML once, unretried
      additionalMimeTypes: ['*/*'],
      // crawlee would transcode the body by the header's charset alone (no BOM or <meta>, latin-1 for
      // iso-8859-1, an unknown label an error); 'utf8' is how it is told to leave the bytes as they came.
      // The crawl job decodes them as a browser would.
      forceResponseEncoding: 'utf8',
      ignoreSslErrors: false,
      preNavigationHooks: [
        async (context, gotOptions) => {
          const validators = await crawl.revalidationHeaders(context.request.userData)
          context.request.userData.conditional = Object.keys(validators).length > 0
          context.request.userData.startedAt = performance.now()
          gotOptions.headers = { ...gotOptions.headers, ...validators, 'user-agent': settings.userAgent, accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5' }
          // redirects stay on the listing's site (fetch-http-client asks this at every hop)
          gotOptions.context = { ...gotOptions.context, redirect: crawl.redirectDecision(context.request.userData) }
        },
      ],
      postNavigationHooks: [
        (context) => {
          const declared = Number(headerOf(context, 'content-length') ?? 0)
          const status = context.response?.statusCode ?? 0
          const refusal =
            declared > settings.maxResponseBytes
              ? `response of ${declared} bytes exceeds the limit of ${settings.maxResponseBytes}`
              : status >= 200 && status < 300
                ? contentTypeProblem(headerOf(context, 'content-type'))
                : null
          if (refusal !== null) {
            // not read at all: the download stops now
            context.response?.destroy()
            throw new NonRetryableError(refusal)
          }
        },
      ],
      requestHandler: async (context) => {
        const request = context.request.userData
        const body = Buffer.isBuffer(context.body) ? context.body : Buffer.from(context.body)
        const fetched = fetchedOf(context, body)
        const enqueue = async (next: ListingRequest) => {
          await context.addRequests([next])
          startNextNow()
        }
        // a 304 is an answer only to a conditional request; to any other it is a page without a body
        if (fetched.status === 304 && request.conditional) return crawl.pageNotModified(request, fetched, enqueue)
        const failure = statusProblem(fetched.status) ?? sizeProblem(body.length, settings.maxResponseBytes)
        if (failure) return crawl.pageFailed(request, fetched, failure)
        await crawl.pageFetched(request, fetched, enqueue)
      },
      errorHandler: async (context, error) =>
        waitBeforeRetry(settings, log, {
          url: context.request.userData.canonicalUrl,
          retryCount: context.request.retryCount,
          retryAfter: headerOf(context, 'retry-after'),
          error,
        }),
      failedRequestHandler: async (context, error) => {
        const request = context.request
        const failed = { url: request.url, status: context.response?.statusCode ?? null, retries: request.retryCount, retryAfter: headerOf(context, 'retry-after'), error }
        await crawl.pageFailed(request.userData, fetchedOf(context, null), describeFailedRequest(failed, settings.timeoutSeconds))
      },
    },
    crawleeConfiguration(),
  )
  // Start the next page now rather than at the pool's next half-second tick, from outside the page's
  // own context: a task started inside it shares its cancellation, so a page that timed out would
  // cancel every page started after it, and crawlee ends the run ("Promise handler has been canceled").
  const startNextNow = AsyncResource.bind(() => void crawler.autoscaledPool?.notify())

  try {
    await crawler.run(await crawl.firstRequests())
  } finally {
    await crawler.teardown()
  }
  return crawl.finish()
}

function headersOf(context: HttpCrawlingContext<PageRequest>): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(context.response?.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value)
  }
  return headers
}

function headerOf(context: HttpCrawlingContext<PageRequest>, name: string): string | null {
  const value = context.response?.headers?.[name]
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null)
}
