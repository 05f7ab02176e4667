import PQueue from 'p-queue'

/** Paces the requests of a crawl: `turn` resolves when a request to the URL may start. */
export interface RequestLimiter {
  turn(url: string): Promise<void>
  /** The host asked for a pause (Retry-After): no request to it for `seconds`, where the limiter is shared. */
  holdOff?(url: string, seconds: number): Promise<void>
}

/**
 * perHostDelaySeconds for every request of a crawl (pages, redirects, robots.txt, entry pages, in
 * both crawlers): one start per host (name and port, as requested) per delay. crawlee's own delay
 * is keyed on the registrable domain, which IP addresses, `localhost` and single-label hosts have not.
 */
export class HostLimiter implements RequestLimiter {
  private readonly queues = new Map<string, PQueue>()

  constructor(private readonly delaySeconds: number) {}

  /** Resolves when a request to this URL may start. */
  async turn(url: string): Promise<void> {
    if (this.delaySeconds <= 0) return
    const host = new URL(url).host
    let queue = this.queues.get(host)
    if (!queue) {
      // strict: a sliding window, so no two starts ever fall within one delay
      queue = new PQueue({ concurrency: 1, intervalCap: 1, interval: this.delaySeconds * 1000, strict: true })
      this.queues.set(host, queue)
    }
    await queue.add(() => undefined)
  }
}
