// robots.txt, read the way RFC 9309 asks, with the crawl's own User-Agent (the same identity as
// every page request) and within the crawl's timeout. crawlee's own check fetches it with a
// random browser User-Agent and cannot be told otherwise, so the crawlers use this one instead.
import robotsParser from 'robots-parser'
import type { RequestLimiter } from './host-limiter.ts'
import type { OriginMap } from './origin-map.ts'

/** RFC 9309 2.5: a crawler must parse at least 500 KiB; what follows is ignored, never buffered. */
export const MAX_ROBOTS_BYTES = 500 * 1024
/** The product token matched against `User-agent:` lines. */
export const ROBOTS_PRODUCT_TOKEN = 'eurowatch'
// A connection that fails (a kept-alive socket the server closed as it was reused) is tried again:
// robots.txt unread forbids every page of its site. A timeout is not: it has had its time.
const CONNECTION_RETRIES = 2
const CONNECTION_RETRY_PAUSE_MS = 200

export interface RobotsSettings {
  userAgent: string
  timeoutSeconds: number
  origins: OriginMap
}

type Rules = { allows(url: string): boolean; why: string }

/** The robots.txt rules of every origin a crawl visits, each fetched once. */
export class RobotsRules {
  private readonly byOrigin = new Map<string, Promise<Rules>>()

  constructor(
    private readonly settings: RobotsSettings,
    /** The crawl's per-host pacing: robots.txt is a request like any other. */
    private readonly limiter?: RequestLimiter,
  ) {}

  /** Null when the URL may be fetched, else why not. */
  async refusal(canonicalUrl: string): Promise<string | null> {
    const origin = new URL(canonicalUrl).origin
    let rules = this.byOrigin.get(origin)
    if (!rules) {
      rules = this.load(origin)
      this.byOrigin.set(origin, rules)
    }
    const loaded = await rules
    return loaded.allows(canonicalUrl) ? null : loaded.why
  }

  private async load(origin: string): Promise<Rules> {
    const canonical = `${origin}/robots.txt`
    const url = this.settings.origins.toFetchUrl(canonical)
    try {
      const response = await this.fetchRobots(url)
      // 4xx: no rules were published (RFC 9309 2.3.1.3); 5xx: unreachable, so nothing may be crawled (2.3.1.4)
      if (response.status >= 400 && response.status < 500) return everything(response)
      if (!response.ok) return nothing(`robots.txt answered HTTP ${response.status}`, response)
      const robots = robotsParser(canonical, await readCapped(response))
      return { allows: (url) => robots.isAllowed(url, ROBOTS_PRODUCT_TOKEN) !== false, why: 'disallowed by robots.txt' }
    } catch (error) {
      return nothing(`robots.txt could not be read (${error instanceof Error ? error.message : String(error)})`)
    }
  }

  private async fetchRobots(url: string, attempt = 0): Promise<Response> {
    await this.limiter?.turn(url)
    const signal = AbortSignal.timeout(this.settings.timeoutSeconds * 1000)
    try {
      return await fetch(url, { headers: { 'user-agent': this.settings.userAgent, accept: 'text/plain,*/*;q=0.5' }, signal })
    } catch (error) {
      if (signal.aborted || attempt >= CONNECTION_RETRIES) throw error
      await new Promise((resolve) => setTimeout(resolve, CONNECTION_RETRY_PAUSE_MS))
      return this.fetchRobots(url, attempt + 1)
    }
  }
}

function everything(response: Response): Rules {
  void response.body?.cancel()
  return { allows: () => true, why: '' }
}

function nothing(why: string, response?: Response): Rules {
  void response?.body?.cancel()
  return { allows: () => false, why }
}

async function readCapped(response: Response): Promise<string> {
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = response.body?.getReader()
  if (!reader) return ''
  while (size < MAX_ROBOTS_BYTES) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    size += value.length
  }
  await reader.cancel()
  return Buffer.concat(chunks).subarray(0, MAX_ROBOTS_BYTES).toString('utf8')
}
