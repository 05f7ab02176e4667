// One page asked outside a listing's crawl, to check what a crawl found: an entry's own page before it
// is reported removed, the next page a listing had before it ended early. As polite as a crawl: the
// same User-Agent, robots.txt, host pacing, timeout and size cap, and only on the listing's own site
// (or its allowedHosts), redirects included.
import { FetchHttpClient, readBody, RefusedAnswer } from './fetch-http-client.ts'
import { HostLimiter, type RequestLimiter } from './host-limiter.ts'
import type { CrawlSettings } from './listing-crawl.ts'
import { robotsRulesOf } from './politeness.ts'
import type { RobotsRules } from './robots.ts'
import { offSiteRefusal, type SiteScope } from './site-scope.ts'

export interface PageToAsk extends SiteScope {
  /** The canonical URL to ask. */
  url: string
}

export type Asked =
  /**
   * An answer; `itself`: after redirects within the site, the same path and query (scheme and a trailing
   * slash aside); `landed`: the canonical URL that answered, after those redirects.
   */
  | { kind: 'answered'; status: number; itself: boolean; landed: string; headers: Record<string, string>; body: Buffer | null }
  /** Not ours to ask: robots.txt forbids it, or it is on another host. */
  | { kind: 'unasked' }
  /** It redirected off the site, or in circles. */
  | { kind: 'left' }
  /** No answer worth trusting now (a timeout, no connection). */
  | { kind: 'no-answer'; reason: string }

export class PageAsker {
  private readonly limiter: RequestLimiter
  private readonly robots: RobotsRules | null
  private readonly client: FetchHttpClient

  constructor(private readonly settings: CrawlSettings) {
    this.limiter = settings.limiter ?? new HostLimiter(settings.perHostDelaySeconds)
    this.robots = robotsRulesOf(settings, this.limiter)
    this.client = new FetchHttpClient({ maxResponseBytes: settings.maxResponseBytes, timeoutSeconds: settings.timeoutSeconds, limiter: this.limiter })
  }

  /**
   * Asks a page; its body is read only when wanted. `extraHeaders`: more request headers (validators).
   * `followRedirects: false`: a redirect is the answer (its status, and its Location in `headers`).
   */
  async ask(page: PageToAsk, withBody: boolean, extraHeaders: Record<string, string> = {}, followRedirects = true): Promise<Asked> {
    if ((await offSiteRefusal(page, page.url)) !== null || ((await this.robots?.refusal(page.url)) ?? null) !== null) return { kind: 'unasked' }
    let canonical = page.url
    try {
      const response = await this.client.stream({
        url: this.settings.origins.toFetchUrl(page.url),
        method: 'GET',
        followRedirect: followRedirects,
        headers: { ...extraHeaders, 'user-agent': this.settings.userAgent, accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5' },
        redirect: async (location: string) => {
          const next = new URL(location, canonical).href
          const refusal = await offSiteRefusal(page, next)
          if (refusal !== null) return { refusal }
          canonical = next
          return { url: this.settings.origins.toFetchUrl(next) }
        },
      })
      const body = withBody ? await readBody(response.stream) : null
      if (!withBody) response.stream.destroy()
      return { kind: 'answered', status: response.statusCode, itself: samePage(page.url, canonical), landed: canonical, headers: response.headers, body }
    } catch (error) {
      // a redirect off the site or in circles (or a body over the cap) is an answer of its own
      if (error instanceof RefusedAnswer) return { kind: 'left' }
      return { kind: 'no-answer', reason: error instanceof Error ? error.message : String(error) }
    }
  }
}

/** The same page: the same path and query, scheme, host and a trailing slash aside. */
export function samePage(asked: string, landed: string): boolean {
  const path = (url: URL) => `${url.pathname.replace(/\/$/, '')}${url.search}`
  return path(new URL(asked)) === path(new URL(landed))
}
