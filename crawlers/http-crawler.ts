// Listings over HTTP: p-queue runs the pages, maxConcurrency at a time, each with its retries, on
// FetchHttpClient. Not crawlee's HttpCrawler: its start-up (a request queue, a memory check that
// spawns `ps`, a browser-header generator, about 600 ms of modules) and teardown cost an unchanged
// run more than its requests (bench/steady-state.ts); everything it did for us is here.
import PQueue from 'p-queue'
import type { Logger } from 'pino'
import { FetchHttpClient, readBody, RefusedAnswer, type StreamedResponse } from './fetch-http-client.ts'
import { HostLimiter, type RequestLimiter } from './host-limiter.ts'
import { ListingCrawl, type CrawledListing, type CrawlSettings, type FetchedResponse, type ListingRequest, type ListingTarget, type PageSink } from './listing-crawl.ts'
import { robotsRulesOf } from './politeness.ts'
import { contentTypeProblem, describeFailedRequest, isRetryableStatus, sizeProblem, statusProblem, waitBeforeRetry } from './page-checks.ts'

const ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5'

/** A page's attempt ended without a usable answer: `answer` is what came (a status to retry), if anything. */
class FailedAttempt extends Error {
  constructor(
    readonly reason: Error,
    readonly answer: StreamedResponse | null,
  ) {
    super(reason.message)
  }
}

/** Crawls each listing from page 1 to its last page (or the page limit) and hands every page, as fetched, to the sink. */
export async function crawlListings(
  targets: ListingTarget[],
  sink: PageSink,
  settings: CrawlSettings,
  log: Logger,
  /** perHostDelaySeconds, shared with whatever else requests the same hosts at the same time. */
  limiter: RequestLimiter = settings.limiter ?? new HostLimiter(settings.perHostDelaySeconds),
): Promise<CrawledListing[]> {
  const robots = robotsRulesOf(settings, limiter)
  const crawl = new ListingCrawl(targets, sink, settings.origins, robots, log)
  const client = new FetchHttpClient({ maxResponseBytes: settings.maxResponseBytes, timeoutSeconds: settings.timeoutSeconds, limiter })
  const pages = new PQueue({ concurrency: settings.maxConcurrency })
  // two sources may list the same URL (each has its own key); the same page twice is one request
  const queued = new Set<string>()
  // the sink failing (the database gone) ends the crawl: its pages could not be recorded
  let sinkFailure: unknown = null

  const enqueue = async (request: ListingRequest): Promise<void> => {
    if (queued.has(request.uniqueKey) || sinkFailure !== null) return
    queued.add(request.uniqueKey)
    pages.add(() => crawlPage(request)).catch((error: unknown) => {
      sinkFailure ??= error
      pages.clear()
    })
  }

  /** One attempt: the answer's status, headers and whole body, or why there is none. */
  const attempt = async (request: ListingRequest): Promise<FetchedResponse> => {
    const page = request.userData
    const validators = await crawl.revalidationHeaders(page)
    page.conditional = Object.keys(validators).length > 0
    page.startedAt = performance.now()
    let answer: StreamedResponse | null = null
    try {
      answer = await client.stream({
        url: request.url,
        headers: { ...validators, 'user-agent': settings.userAgent, accept: ACCEPT },
        // redirects stay on the listing's site (the client asks this at every hop)
        redirect: crawl.redirectDecision(page),
      })
      const status = answer.statusCode
      if (isRetryableStatus(status)) throw new Error(`HTTP ${status}`)
      const declared = Number(answer.headers['content-length'] ?? 0)
      const refusal = declared > settings.maxResponseBytes ? `response of ${declared} bytes exceeds the limit of ${settings.maxResponseBytes}` : status >= 200 && status < 300 ? contentTypeProblem(answer.headers['content-type'] ?? null) : null
      // not read at all: the download stops now, and asking again would bring the same
      if (refusal !== null) throw new RefusedAnswer(refusal)
      const body = await readBody(answer.stream)
      return { fetchedUrl: answer.url, status, headers: answer.headers, body, charset: null, notice: null, attempts: 0 }
    } catch (error) {
      answer?.stream.destroy()
      throw new FailedAttempt(error instanceof Error ? error : new Error(String(error)), answer)
    }
  }

  const crawlPage = async (request: ListingRequest): Promise<void> => {
    const page = request.userData
    for (let retries = 0; ; retries += 1) {
      let fetched: FetchedResponse
      try {
        fetched = { ...(await attempt(request)), attempts: retries + 1 }
      } catch (error) {
        if (!(error instanceof FailedAttempt)) throw error
        const retryAfter = error.answer?.headers['retry-after'] ?? null
        if (!(error.reason instanceof RefusedAnswer) && retries < settings.maxRetries) {
          await waitBeforeRetry(settings, log, { url: page.canonicalUrl, retryCount: retries, retryAfter, error: error.reason })
          continue
        }
        const status = error.answer?.statusCode ?? null
        const failed = { fetchedUrl: error.answer?.url ?? request.url, status, headers: error.answer?.headers ?? {}, body: null, charset: null, notice: null, attempts: retries + 1 }
        return crawl.pageFailed(page, failed, describeFailedRequest({ url: request.url, status, retries, retryAfter, error: error.reason }, settings.timeoutSeconds))
      }
      // a 304 is an answer only to a conditional request; to any other it is a page without a body
      if (fetched.status === 304 && page.conditional) return crawl.pageNotModified(page, fetched, enqueue)
      const failure = statusProblem(fetched.status) ?? sizeProblem(fetched.body?.length ?? 0, settings.maxResponseBytes)
      if (failure) return crawl.pageFailed(page, fetched, failure)
      return crawl.pageFetched(page, fetched, enqueue)
    }
  }

  for (const request of await crawl.firstRequests()) await enqueue(request)
  await pages.onIdle()
  if (sinkFailure !== null) throw sinkFailure
  return crawl.finish()
}
