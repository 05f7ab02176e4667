// What the HTTP and the browser crawler share: the listing types, the request each page becomes,
// the per-listing progress and the outcome it adds up to. Each crawler only fetches.
import type { Logger } from 'pino'
import type { ListingPage, RenderMode, SiteProfile } from '../domain/entry.ts'
import type { OriginMap } from './origin-map.ts'
import { PageBatcher } from './page-batcher.ts'
import type { ParseResult } from './page-checks.ts'

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

/** What a fetch returned, whichever crawler made it. */
export interface FetchedResponse {
  fetchedUrl: string
  status: number | null
  contentType: string | null
  body: Buffer | null
  attempts: number
}

/** Everything known about one fetch of a listing page, handed to the sink before the crawl goes on. */
export interface FetchedListingPage extends FetchedResponse {
  target: ListingTarget
  pageNumber: number
  canonicalUrl: string
  durationMs: number
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
  /** Partial only because it stopped at its configured page limit: not a fault, but no removals either. */
  limited: boolean
}

/** The userData of every crawlee request for a listing page. */
export interface PageRequest {
  listingId: number
  pageNumber: number
  canonicalUrl: string
  firstPosition: number
  startedAt: number
}

/** A crawlee request for one listing page: fetch the mapped URL, remember the canonical one. */
export interface ListingRequest {
  url: string
  uniqueKey: string
  userData: PageRequest
}

interface ListingProgress {
  pages: number
  entries: number
  reachedEnd: boolean
  limited: boolean
  problems: string[]
  /** Canonical URLs of its pages so far: a next link back to one of them is a loop, not a new page. */
  visited: Set<string>
}

/** The bookkeeping of one crawl over several listings: requests, progress, storage behind the crawl, outcomes. */
export class ListingCrawl {
  private readonly byId: Map<number, ListingTarget>
  private readonly progress: Map<number, ListingProgress>
  // Pages are stored behind the crawl, in batches, so the next fetch does not wait for the database.
  private readonly storage: PageBatcher<FetchedListingPage>

  constructor(
    private readonly targets: ListingTarget[],
    sink: PageSink,
    private readonly origins: OriginMap,
    private readonly log: Logger,
  ) {
    this.byId = new Map(targets.map((target) => [target.listingId, target]))
    this.progress = new Map(targets.map((target) => [target.listingId, { pages: 0, entries: 0, reachedEnd: false, limited: false, problems: [], visited: new Set<string>() }]))
    this.storage = new PageBatcher((pages: FetchedListingPage[]) => sink.storePages(pages))
  }

  firstRequests(): ListingRequest[] {
    return this.targets.map((target) => this.requestFor({ listingId: target.listingId, pageNumber: 1, canonicalUrl: target.url, firstPosition: 1 }))
  }

  targetOf(request: PageRequest): ListingTarget {
    const target = this.byId.get(request.listingId)
    if (!target) throw new Error(`no listing ${request.listingId} in this crawl`)
    return target
  }

  /** A page that could not be fetched at all (after its retries). */
  async pageFailed(request: PageRequest, fetched: FetchedResponse, reason: string): Promise<void> {
    const target = this.targetOf(request)
    this.progressOf(request).problems.push(`page ${request.pageNumber}: ${reason}`)
    this.log.warn({ source: target.sourceName, url: request.canonicalUrl, page: request.pageNumber, reason }, 'listing page failed')
    await this.storage.add({ ...this.pageOf(request, fetched), outcome: { kind: 'failed', reason } })
  }

  /** A fetched page: counted, its next page queued through `enqueue` (before storing, so fetching and storing overlap), then stored. */
  async pageFetched(request: PageRequest, fetched: FetchedResponse, parsed: ParseResult, enqueue: (next: ListingRequest) => Promise<void>): Promise<void> {
    const target = this.targetOf(request)
    const listing = this.progressOf(request)
    const base = this.pageOf(request, fetched)
    if ('error' in parsed) {
      listing.problems.push(`page ${request.pageNumber}: ${parsed.error}`)
      this.log.warn({ source: target.sourceName, url: request.canonicalUrl, page: request.pageNumber, reason: parsed.error }, 'listing page unusable')
      await this.storage.add({ ...base, outcome: { kind: 'failed', reason: parsed.error } })
      return
    }
    const { page } = parsed
    listing.pages += 1
    listing.entries += page.entries.length
    listing.visited.add(request.canonicalUrl)
    if (!page.nextPage) listing.reachedEnd = true
    else if (listing.visited.has(page.nextPage)) listing.problems.push(`page ${request.pageNumber}: the next link leads back to ${page.nextPage}`)
    else if (request.pageNumber >= target.maxPages) listing.limited = true
    else {
      await enqueue(
        this.requestFor({
          listingId: request.listingId,
          pageNumber: request.pageNumber + 1,
          canonicalUrl: page.nextPage,
          firstPosition: request.firstPosition + page.entries.length,
        }),
      )
    }
    this.log.debug({ source: target.sourceName, page: request.pageNumber, entries: page.entries.length }, 'listing page parsed')
    await this.storage.add({ ...base, outcome: { kind: 'parsed', page } })
  }

  /** A first page crawlee did not fetch (robots.txt): its listing cannot be complete. */
  skipped(url: string, reason: string): void {
    const target = this.targets.find((candidate) => this.origins.toFetchUrl(candidate.url) === url)
    const listing = target ? this.progress.get(target.listingId) : undefined
    listing?.problems.push(`${url} skipped: ${reason === 'robotsTxt' ? 'disallowed by robots.txt' : reason}`)
    this.log.warn({ url, reason }, 'request skipped')
  }

  /** Waits for every page to be stored, then tells each listing's outcome, in the targets' order. */
  async finish(): Promise<ListingCrawlOutcome[]> {
    await this.storage.finish()
    return this.targets.map((target) => outcomeOf(target, this.progress.get(target.listingId)))
  }

  private requestFor(page: Omit<PageRequest, 'startedAt'>): ListingRequest {
    return {
      url: this.origins.toFetchUrl(page.canonicalUrl),
      // two sources may list the same URL: each needs its own fetch
      uniqueKey: `${page.listingId}:${page.pageNumber}:${page.canonicalUrl}`,
      userData: { ...page, startedAt: 0 },
    }
  }

  private progressOf(request: PageRequest): ListingProgress {
    const entry = this.progress.get(request.listingId)
    if (!entry) throw new Error(`no listing ${request.listingId} in this crawl`)
    return entry
  }

  private pageOf(request: PageRequest, fetched: FetchedResponse): Omit<FetchedListingPage, 'outcome'> {
    return {
      ...fetched,
      target: this.targetOf(request),
      pageNumber: request.pageNumber,
      canonicalUrl: request.canonicalUrl,
      durationMs: request.startedAt ? Math.round(performance.now() - request.startedAt) : 0,
      firstPosition: request.firstPosition,
    }
  }
}

export function outcomeOf(target: ListingTarget, listing: ListingProgress | undefined): ListingCrawlOutcome {
  const pages = listing?.pages ?? 0
  const entries = listing?.entries ?? 0
  const problems = listing?.problems ?? []
  if (pages === 0) return { target, status: 'failed', pages, entries, reason: problems.join('; ') || 'no page fetched', limited: false }
  if (problems.length > 0) return { target, status: 'partial', pages, entries, reason: problems.join('; '), limited: false }
  if (listing?.limited) return { target, status: 'partial', pages, entries, reason: `stopped at the page limit (${target.maxPages} pages)`, limited: true }
  if (!listing?.reachedEnd) return { target, status: 'partial', pages, entries, reason: 'the last page was not reached', limited: false }
  return { target, status: 'complete', pages, entries, reason: null, limited: false }
}
