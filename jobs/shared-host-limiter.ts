import type { Kysely } from 'kysely'
import { setTimeout as sleep } from 'node:timers/promises'
import type { RequestLimiter } from '../crawlers/host-limiter.ts'
import { holdOffHost, reserveHostSlot } from '../db/queued-runs.ts'
import type { Database } from '../db/schema.ts'

/**
 * perHostDelaySeconds kept by every worker together: each request reserves its host's next slot in
 * PostgreSQL (crawl_host), so two requests to one host are that far apart whichever workers send them;
 * a host's Retry-After holds them all off. Slots are spaced on the database's clock; each worker waits
 * for its slot on its own, so starts are that far apart to within a database round trip.
 */
export class SharedHostLimiter implements RequestLimiter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly delaySeconds: number,
  ) {}

  async turn(url: string): Promise<void> {
    // also without a delay: another worker's Retry-After may hold the host off
    const { waitMs } = await reserveHostSlot(this.db, new URL(url).host, this.delaySeconds)
    if (waitMs > 0) await sleep(waitMs)
  }

  async holdOff(url: string, seconds: number): Promise<void> {
    await holdOffHost(this.db, new URL(url).host, seconds)
  }
}
