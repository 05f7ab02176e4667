// The parts of the crawl queue that live in our schema, on PostgreSQL (PGlite has no workers):
// a run finished by exactly one of its listings' workers, host leases, and the pace all workers share
// (its slots on the database's clock: the workers' own clocks and round trips are not asserted).
import { describe, expect, it } from 'vitest'
import { createRun } from '../../db/runs.ts'
import { startListingCrawl, upsertListing } from '../../db/listings.ts'
import { finishQueuedListing, leaseHost, releaseHost, reserveHostSlot } from '../../db/queued-runs.ts'
import { SharedHostLimiter } from '../../jobs/shared-host-limiter.ts'
import { useTestDatabase } from '../support/databases.ts'

const complete = { status: 'complete' as const, pages: 1, entries: 10, reason: null }

describe('queued runs on PostgreSQL', () => {
  const db = useTestDatabase('postgres')

  async function queuedRun(listings: number): Promise<{ runId: number; listingIds: number[] }> {
    const at = new Date()
    const runId = await createRun(db(), at, true)
    const listingIds: number[] = []
    for (let index = 0; index < listings; index += 1) {
      const listingId = await upsertListing(db(), { sourceId: `listing-${index}`, profile: 'eurocities-legacy', url: `http://127.0.0.1/${index}` })
      await startListingCrawl(db(), runId, listingId, at)
      listingIds.push(listingId)
    }
    return { runId, listingIds }
  }

  it('finishes the run once, by whichever worker finishes its last listing, however they race', async () => {
    const { runId, listingIds } = await queuedRun(8)
    // every listing finished at once, each in its own transaction, as eight workers would
    const finishers = await Promise.all(listingIds.map((listingId) => db().transaction().execute((trx) => finishQueuedListing(trx, runId, listingId, complete, new Date()))))
    expect(finishers.filter((status) => status !== null)).toEqual(['complete'])
    const run = await db().selectFrom('crawl_run').select(['status', 'entries_seen']).where('id', '=', runId).executeTakeFirstOrThrow()
    expect(run).toEqual({ status: 'complete', entries_seen: 80 })
    // a job tried again after its worker was killed finds the run finished: nothing twice
    expect(await db().transaction().execute((trx) => finishQueuedListing(trx, runId, listingIds[0] ?? 0, complete, new Date()))).toBeNull()
  })

  it('makes the run partial when a listing failed, and counts a listing cut at its page limit as done', async () => {
    const { runId, listingIds } = await queuedRun(3)
    const [first, second, third] = listingIds
    await db().transaction().execute((trx) => finishQueuedListing(trx, runId, first ?? 0, { ...complete, status: 'partial', limited: true, reason: 'stopped at its page limit' }, new Date()))
    await db().transaction().execute((trx) => finishQueuedListing(trx, runId, second ?? 0, { ...complete, status: 'failed', pages: 0, entries: 0, reason: 'its crawl job failed for good' }, new Date()))
    expect(await db().transaction().execute((trx) => finishQueuedListing(trx, runId, third ?? 0, complete, new Date()))).toBe('partial')
    const run = await db().selectFrom('crawl_run').select(['status', 'error']).where('id', '=', runId).executeTakeFirstOrThrow()
    expect(run.status).toBe('partial')
    expect(run.error).toContain('listing-1: its crawl job failed for good')
  })

  it('leases a host to one worker at a time; a lapsed lease is free', async () => {
    expect(await leaseHost(db(), 'a.example', 'worker-1', 60)).toBe(true)
    expect(await leaseHost(db(), 'a.example', 'worker-2', 60)).toBe(false)
    // renewing one's own lease
    expect(await leaseHost(db(), 'a.example', 'worker-1', 60)).toBe(true)
    await releaseHost(db(), 'a.example', 'worker-1')
    expect(await leaseHost(db(), 'a.example', 'worker-2', 1)).toBe(true)
    await db().updateTable('crawl_host').set({ lease_until: new Date(Date.now() - 1000) }).where('host', '=', 'a.example').execute()
    // worker-2 was killed: its lease ran out
    expect(await leaseHost(db(), 'a.example', 'worker-3', 60)).toBe(true)
  })

  it('gives the requests of several workers to one host slots the delay apart, and holds them all off after a Retry-After', async () => {
    // nine requests at once, as three workers would send them
    const slots = await Promise.all(Array.from({ length: 9 }, () => reserveHostSlot(db(), 'b.example', 0.2)))
    const times = slots.map((reserved) => reserved.slot.getTime()).sort((a, b) => a - b)
    expect(times.slice(1).map((time, index) => time - (times[index] ?? 0))).toEqual(Array.from({ length: 8 }, () => 200))
    // the last waits for its slot: eight delays after the first, less the time the nine statements took
    expect(Math.max(...slots.map((reserved) => reserved.waitMs))).toBeGreaterThan(800)
    // another host is not held up by this one
    expect((await reserveHostSlot(db(), 'c.example', 0.2)).waitMs).toBe(0)

    // a Retry-After of 30 s seen by one worker: the next slot of any is 30 s away, also without a delay
    const workers = [new SharedHostLimiter(db(), 0), new SharedHostLimiter(db(), 0)]
    await workers[0]?.holdOff('http://d.example/listing', 30)
    expect((await reserveHostSlot(db(), 'd.example', 0)).waitMs).toBeGreaterThan(29_000)
  })

  it('lets a worker with no delay and no Retry-After go at once', async () => {
    const limiter = new SharedHostLimiter(db(), 0)
    await limiter.turn('http://e.example/listing')
    expect((await reserveHostSlot(db(), 'e.example', 0)).waitMs).toBe(0)
  })
})
