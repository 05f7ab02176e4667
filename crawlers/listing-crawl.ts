// What the HTTP and the browser crawler share: the listing types, the request each page becomes,
// and the following of next links. The crawlers only fetch: every page goes to the sink as it
// came (bytes, status, headers); the sink says where the listing goes on.
import type { Logger } from 'pino'
import type { RenderMode, SiteProfile } from '../domain/entry.ts'
import type { RedirectDecision } from './fetch-http-client.ts'
import type { RequestLimiter } from './host-limiter.ts'
import type { OriginMap } from './origin-map.ts'
import type { RobotsRules } from './robots.ts'
import { offSiteRefusal } from './site-scope.ts'

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
  /** Hosts besides its own that its next links and redirects may lead to. */
  allowedHosts?: readonly string[]
  /**
   * 'incremental': pages are asked conditionally and the sink may end the listing on a page that brings
   * nothing new; 'full' (the default): every page asked in full, unconditionally, to its last one.
   */
  mode?: CrawlMode
}

export type CrawlMode = 'full' | 'incremental'

/** What a fetch returned, whichever crawler made it. */
export interface FetchedResponse {
  fetchedUrl: string
  status: number | null
  /** Response headers, names in lower case, as a replay needs them. */
  headers: Record<string, string>
  body: Buffer | null
  /** The charset the body is known to be in (a rendered page is serialized as UTF-8); null: sniff it. */
  charset: string | null
  attempts: number
  /** What the fetcher saw that may explain a page without entries (a list that never appeared), or null. */
  notice: string | null
}

/** One fetch of a listing page, as the sink receives it. */
export interface FetchedPage extends FetchedResponse {
  target: ListingTarget
  pageNumber: number
  canonicalUrl: string
  durationMs: number
  /** Why the page has no usable answer (a status, a timeout, a body refused); null when it has one. */
  failure: string | null
}

export interface PageSink {
  /** Takes a fetched page (stored and parsed by the caller) and tells the listing's next page, if any. */
  acceptPage(page: FetchedPage): Promise<{ nextPage: string | null }>
  /** The validators to ask an incremental listing's page with (If-None-Match, If-Modified-Since); none: ask it in full. */
  revalidationHeaders?(target: ListingTarget, canonicalUrl: string): Promise<Record<string, string>>
  /**
   * A 304 to a conditional request: the sink reuses the page it stored and tells the next page, or
   * answers null when it cannot (the 304 names another validator), and the page is asked again in full.
   */
  acceptNotModified?(page: FetchedPage): Promise<{ nextPage: string | null } | null>
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
  /** Paces every request instead of a limiter of perHostDelaySeconds in this process (workers share one in PostgreSQL). */
  limiter?: RequestLimiter
  /** robots.txt as the run has read it (crawlers/politeness.ts); absent: each crawler reads its own. */
  robots?: RobotsRules | null
}

/** What the crawler itself knows of a listing once it is done: the requests it never made. */
export interface CrawledListing {
  target: ListingTarget
  skipped: string[]
}

/** The userData of every crawlee request for a listing page. */
export interface PageRequest {
  listingId: number
  pageNumber: number
  canonicalUrl: string
  startedAt: number
  /** Asked with validators: only then is a 304 an answer. */
  conditional?: boolean
  /** Asked again in full after a 304 that could not be used. */
  unconditional?: boolean
}

/** A crawlee request for one listing page: fetch the mapped URL, remember the canonical one. */
export interface ListingRequest {
  url: string
  uniqueKey: string
  userData: PageRequest
}

/** The bookkeeping of one crawl over several listings: requests, followed links, skipped requests. */
export class ListingCrawl {
  private readonly byId: Map<number, ListingTarget>
  /** Canonical URLs of each listing's pages so far: a next link back to one of them is a loop, not a new page. */
  private readonly visited: Map<number, Set<string>>
  private readonly skippedOf: Map<number, string[]>

  constructor(
    private readonly targets: ListingTarget[],
    private readonly sink: PageSink,
    private readonly origins: OriginMap,
    /** null: robots.txt is not consulted (`respectRobotsTxt: false`). */
    private readonly robots: RobotsRules | null,
    private readonly log: Logger,
  ) {
    this.byId = new Map(targets.map((target) => [target.listingId, target]))
    this.visited = new Map(targets.map((target) => [target.listingId, new Set<string>()]))
    this.skippedOf = new Map(targets.map((target) => [target.listingId, []]))
  }

  /** Page 1 of every listing that robots.txt lets us fetch. */
  async firstRequests(): Promise<ListingRequest[]> {
    const requests = await Promise.all(this.targets.map((target) => this.allowedRequest({ listingId: target.listingId, pageNumber: 1, canonicalUrl: target.url })))
    return requests.filter((request) => request !== null)
  }

  targetOf(request: PageRequest): ListingTarget {
    const target = this.byId.get(request.listingId)
    if (!target) throw new Error(`no listing ${request.listingId} in this crawl`)
    return target
  }

  /** A page that could not be fetched at all (after its retries), or whose answer is unusable. */
  async pageFailed(request: PageRequest, fetched: FetchedResponse, reason: string): Promise<void> {
    const target = this.targetOf(request)
    this.log.warn({ source: target.sourceName, url: request.canonicalUrl, page: request.pageNumber, reason }, 'listing page failed')
    await this.sink.acceptPage({ ...this.pageOf(request, fetched), failure: reason })
  }

  /** A fetched page: handed to the sink, then its next page queued through `enqueue` unless the listing ends here. */
  async pageFetched(request: PageRequest, fetched: FetchedResponse, enqueue: (next: ListingRequest) => Promise<void>): Promise<void> {
    this.visitedOf(request.listingId).add(request.canonicalUrl)
    const { nextPage } = await this.sink.acceptPage({ ...this.pageOf(request, fetched), failure: null })
    await this.follow(request, nextPage, enqueue)
  }

  /** The request headers that make a page's request conditional; none for a full listing's pages. */
  async revalidationHeaders(request: PageRequest): Promise<Record<string, string>> {
    const target = this.targetOf(request)
    if (request.unconditional || target.mode !== 'incremental' || !this.sink.revalidationHeaders) return {}
    return this.sink.revalidationHeaders(target, request.canonicalUrl)
  }

  /** A 304 to a conditional request: the stored page stands for it, or, when the sink cannot use it, the page is asked again in full. */
  async pageNotModified(request: PageRequest, fetched: FetchedResponse, enqueue: (next: ListingRequest) => Promise<void>): Promise<void> {
    const reused = (await this.sink.acceptNotModified?.({ ...this.pageOf(request, fetched), failure: null })) ?? null
    if (reused === null) {
      this.log.info({ url: request.canonicalUrl, page: request.pageNumber }, 'a 304 that names another validator: asking the page in full')
      const again = this.requestFor({ listingId: request.listingId, pageNumber: request.pageNumber, canonicalUrl: request.canonicalUrl })
      return enqueue({ ...again, uniqueKey: `${again.uniqueKey}:unconditional`, userData: { ...again.userData, unconditional: true } })
    }
    this.visitedOf(request.listingId).add(request.canonicalUrl)
    await this.follow(request, reused.nextPage, enqueue)
  }

  private async follow(request: PageRequest, nextPage: string | null, enqueue: (next: ListingRequest) => Promise<void>): Promise<void> {
    const target = this.targetOf(request)
    const visited = this.visitedOf(request.listingId)
    // a loop or the page limit ends the listing here; the sink's verdict on the listing says so
    if (nextPage === null || visited.has(nextPage) || request.pageNumber >= target.maxPages) return
    if (!/^https?:$/.test(new URL(nextPage).protocol)) {
      // a javascript:, data: or file: link is no page of this listing: it ends here, incomplete
      this.skippedOf.get(request.listingId)?.push(`page ${request.pageNumber}: the next link ${nextPage.slice(0, 100)} is not an http(s) URL`)
      return
    }
    // another host's pages are not this listing's: following them would store its entries here
    const offSite = await offSiteRefusal({ listingUrl: target.url, allowedHosts: target.allowedHosts }, nextPage)
    if (offSite !== null) {
      this.skippedOf.get(request.listingId)?.push(`page ${request.pageNumber}: the next link ${nextPage.slice(0, 100)} not followed: ${offSite}`)
      return
    }
    const next = await this.allowedRequest({ listingId: request.listingId, pageNumber: request.pageNumber + 1, canonicalUrl: nextPage })
    if (next) await enqueue(next)
  }

  /** How a page's redirects are judged, hop by hop, on canonical URLs: within the listing's site only. */
  redirectDecision(request: PageRequest): RedirectDecision {
    const target = this.targetOf(request)
    let canonical = request.canonicalUrl
    return async (location) => {
      const next = new URL(location, canonical).href
      const refusal = await offSiteRefusal({ listingUrl: target.url, allowedHosts: target.allowedHosts }, next)
      if (refusal !== null) return { refusal: `redirect to ${next.slice(0, 200)} refused: ${refusal}` }
      canonical = next
      return { url: this.origins.toFetchUrl(next) }
    }
  }

  /** What the crawler knows of each listing, in the targets' order. */
  finish(): CrawledListing[] {
    return this.targets.map((target) => ({ target, skipped: this.skippedOf.get(target.listingId) ?? [] }))
  }

  /** The request for a page, or null when robots.txt forbids it: then its listing cannot be complete. */
  private async allowedRequest(page: Omit<PageRequest, 'startedAt'>): Promise<ListingRequest | null> {
    const refusal = (await this.robots?.refusal(page.canonicalUrl)) ?? null
    if (refusal === null) return this.requestFor(page)
    this.skippedOf.get(page.listingId)?.push(`${page.canonicalUrl} skipped: ${refusal}`)
    this.log.warn({ url: page.canonicalUrl, reason: refusal }, 'request skipped')
    return null
  }

  private requestFor(page: Omit<PageRequest, 'startedAt'>): ListingRequest {
    return {
      url: this.origins.toFetchUrl(page.canonicalUrl),
      // two sources may list the same URL: each needs its own fetch
      uniqueKey: `${page.listingId}:${page.pageNumber}:${page.canonicalUrl}`,
      userData: { ...page, startedAt: 0 },
    }
  }

  private visitedOf(listingId: number): Set<string> {
    const visited = this.visited.get(listingId)
    if (!visited) throw new Error(`no listing ${listingId} in this crawl`)
    return visited
  }

  private pageOf(request: PageRequest, fetched: FetchedResponse): Omit<FetchedPage, 'failure'> {
    return {
      ...fetched,
      target: this.targetOf(request),
      pageNumber: request.pageNumber,
      canonicalUrl: request.canonicalUrl,
      durationMs: request.startedAt ? Math.round(performance.now() - request.startedAt) : 0,
    }
  }
}
