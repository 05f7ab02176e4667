import { Configuration, HttpCrawler, NonRetryableError, log as crawleeLog, LogLevel, type HttpCrawlingContext } from '@crawlee/http'
import type { Logger } from 'pino'
import type { ListingPage, RenderMode, SiteProfile } from '../src/domain/entry'
import { LayoutError } from '../src/domain/errors'
import type { OriginMap } from './origin-map'
import { FetchHttpClient } from './fetch-http-client'
import { PageBatcher } from './page-batcher'
import { retryDelayMs } from './retry-delay'

/** One configured listing to crawl from its first page. */
export interface ListingTarget {
  listingId: number
  sourceName: string
  /** Canonical URL of page 1, as configured. */
  url: string
  profile: SiteProfile
  maxPages: number
  render: RenderMode
  /** The theme this listing gives its entries (a topic page), or null. */
  theme: string | null
}

/** Everything known about one fetch of a listing page, handed to the sink before the crawl goes on. */
export interface FetchedListingPage {
  target: ListingTarget
  pageNumber: number
  canonicalUrl: string
  fetchedUrl: string
  status: number | null
  contentType: string | null
  body: Buffer | null
  durationMs: number
  attempts: number
  /** Listing position of this page's first entry (1-based, counted across pages). */
  firstPosition: number
  outcome: { kind: 'parsed'; page: ListingPage } | { kind: 'failed'; reason: string }
}

export interface PageSink {
  /** Called with the pages fetched meanwhile, one call at a time, in order of arrival. */
  storePages(pages: FetchedListingPage[]): Promise<void>
}

export interface CrawlSettings {
  userAgent: string
  respectRobotsTxt: boolean
  perHostDelaySeconds: number
  maxConcurrency: number
  maxRetries: number
  retryBaseDelaySeconds: number
  maxRetryAfterSeconds: number
  timeoutSeconds: number
  maxResponseBytes: number
  origins: OriginMap
}

export type ListingCrawlStatus = 'complete' | 'partial' | 'failed'

export interface ListingCrawlOutcome {
  target: ListingTarget
  status: ListingCrawlStatus
  pages: number
  entries: number
  reason: string | null
}

interface PageRequest {
  listingId: number
  pageNumber: number
  canonicalUrl: string
  firstPosition: number
  startedAt: number
}

interface ListingProgress {
  pages: number
  entries: number
  reachedEnd: boolean
  problems: string[]
}

// crawlee logs its own INFO lines; ours are structured and go through pino
crawleeLog.setLevel(LogLevel.OFF)

/** Crawls each listing from page 1 to its last page (or the page limit) and hands every page to the sink. */
export async function crawlListings(
  targets: ListingTarget[],
  sink: PageSink,
  settings: CrawlSettings,
  log: Logger,
): Promise<ListingCrawlOutcome[]> {
  const byId = new Map(targets.map((target) => [target.listingId, target]))
  const progress = new Map(targets.map((target) => [target.listingId, { pages: 0, entries: 0, reachedEnd: false, problems: [] } as ListingProgress]))

  const targetOf = (request: PageRequest): ListingTarget => {
    const target = byId.get(request.listingId)
    if (!target) throw new Error(`no listing ${request.listingId} in this crawl`)
    return target
  }
  const progressOf = (request: PageRequest): ListingProgress => {
    const entry = progress.get(request.listingId)
    if (!entry) throw new Error(`no listing ${request.listingId} in this crawl`)
    return entry
  }
  const toRequest = (page: Omit<PageRequest, 'startedAt'>) => ({
    url: settings.origins.toFetchUrl(page.canonicalUrl),
    // two sources may list the same URL: each needs its own fetch
    uniqueKey: `${page.listingId}:${page.pageNumber}:${page.canonicalUrl}`,
    userData: { ...page, startedAt: 0 } satisfies PageRequest,
  })

  // Pages are stored behind the crawl, in batches, so the next fetch does not wait for the database.
  const storage = new PageBatcher((pages: FetchedListingPage[]) => sink.storePages(pages))
  const store = (page: FetchedListingPage) => storage.add(page)

  const recordFailure = async (context: HttpCrawlingContext<PageRequest>, reason: string) => {
    const request = context.request.userData
    const target = targetOf(request)
    progressOf(request).problems.push(`page ${request.pageNumber}: ${reason}`)
    log.warn({ source: target.sourceName, url: request.canonicalUrl, page: request.pageNumber, reason }, 'listing page failed')
    await store({
      target,
      pageNumber: request.pageNumber,
      canonicalUrl: request.canonicalUrl,
      fetchedUrl: context.request.url,
      status: context.response?.statusCode ?? null,
      contentType: headerOf(context, 'content-type'),
      body: null,
      durationMs: elapsed(request),
      attempts: context.request.retryCount + 1,
      firstPosition: request.firstPosition,
      outcome: { kind: 'failed', reason },
    })
  }

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
        const target = targetOf(request)
        const body = Buffer.isBuffer(context.body) ? context.body : Buffer.from(context.body)
        const status = context.response.statusCode ?? null
        const base = {
          target,
          pageNumber: request.pageNumber,
          canonicalUrl: request.canonicalUrl,
          fetchedUrl: context.request.url,
          status,
          contentType: headerOf(context, 'content-type'),
          body,
          durationMs: elapsed(request),
          attempts: context.request.retryCount + 1,
          firstPosition: request.firstPosition,
        }
        const failure = statusProblem(status) ?? sizeProblem(body.length, settings.maxResponseBytes)
        const parsed = failure ? { error: failure } : parsePage(target.profile, body, request.canonicalUrl)
        const listing = progressOf(request)
        if ('error' in parsed) {
          listing.problems.push(`page ${request.pageNumber}: ${parsed.error}`)
          log.warn({ source: target.sourceName, url: request.canonicalUrl, page: request.pageNumber, reason: parsed.error }, 'listing page unusable')
          await store({ ...base, outcome: { kind: 'failed', reason: parsed.error } })
          return
        }
        const { page } = parsed
        listing.pages += 1
        listing.entries += page.entries.length
        if (!page.nextPage) listing.reachedEnd = true
        else if (request.pageNumber >= target.maxPages) listing.problems.push(`stopped at the page limit (${target.maxPages} pages)`)
        else {
          await context.addRequests([
            toRequest({
              listingId: request.listingId,
              pageNumber: request.pageNumber + 1,
              canonicalUrl: page.nextPage,
              firstPosition: request.firstPosition + page.entries.length,
            }),
          ])
          // start the next page now rather than at the pool's next half-second tick
          crawler.autoscaledPool?.notify()
        }
        log.debug({ source: target.sourceName, page: request.pageNumber, entries: page.entries.length }, 'listing page parsed')
        await store({ ...base, outcome: { kind: 'parsed', page } })
      },
      errorHandler: async (context, error) => {
        const request = context.request.userData
        const wait = retryDelayMs(context.request.retryCount, headerOf(context, 'retry-after') ?? undefined, {
          baseDelaySeconds: settings.retryBaseDelaySeconds,
          maxRetryAfterSeconds: settings.maxRetryAfterSeconds,
        })
        log.info({ url: request.canonicalUrl, attempt: context.request.retryCount + 1, waitMs: wait, error: error.message }, 'retrying')
        await new Promise((resolve) => setTimeout(resolve, wait))
      },
      failedRequestHandler: async (context, error) => recordFailure(context, describeFetchError(error)),
      onSkippedRequest: async ({ url, reason }) => {
        const target = targets.find((candidate) => settings.origins.toFetchUrl(candidate.url) === url)
        const listing = target ? progress.get(target.listingId) : undefined
        listing?.problems.push(`${url} skipped: ${reason === 'robotsTxt' ? 'disallowed by robots.txt' : reason}`)
        log.warn({ url, reason }, 'request skipped')
      },
    },
    new Configuration({ persistStorage: false }),
  )

  await crawler.run(targets.map((target) => toRequest({ listingId: target.listingId, pageNumber: 1, canonicalUrl: target.url, firstPosition: 1 })))
  await crawler.teardown()
  await storage.finish()

  return targets.map((target) => outcomeOf(target, progress.get(target.listingId)))
}

function parsePage(profile: SiteProfile, body: Buffer, canonicalUrl: string): { page: ListingPage } | { error: string } {
  try {
    return { page: profile.parseListing(body.toString('utf8'), canonicalUrl) }
  } catch (error) {
    if (error instanceof LayoutError) return { error: `layout: ${error.message}` }
    throw error
  }
}

function outcomeOf(target: ListingTarget, listing: ListingProgress | undefined): ListingCrawlOutcome {
  const pages = listing?.pages ?? 0
  const entries = listing?.entries ?? 0
  const problems = listing?.problems ?? []
  if (pages === 0) return { target, status: 'failed', pages, entries, reason: problems.join('; ') || 'no page fetched' }
  if (problems.length > 0 || !listing?.reachedEnd) {
    return { target, status: 'partial', pages, entries, reason: problems.join('; ') || 'the last page was not reached' }
  }
  return { target, status: 'complete', pages, entries, reason: null }
}

function statusProblem(status: number | null): string | null {
  if (status === null) return 'no HTTP status'
  return status >= 200 && status < 300 ? null : `HTTP ${status}`
}

function sizeProblem(bytes: number, limit: number): string | null {
  return bytes > limit ? `response of ${bytes} bytes exceeds the limit of ${limit}` : null
}

function describeFetchError(error: Error): string {
  const mime = /served Content-Type ([^,]+),/.exec(error.message)
  if (mime) return `not an HTML page (Content-Type ${mime[1]})`
  return error.message.split('\n')[0] ?? String(error)
}

function headerOf(context: HttpCrawlingContext<PageRequest>, name: string): string | null {
  const value = context.response?.headers?.[name]
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null)
}

function elapsed(request: PageRequest): number {
  return request.startedAt ? Math.round(performance.now() - request.startedAt) : 0
}
