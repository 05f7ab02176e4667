// `eurowatch enqueue`, `schedule --queue`: a run whose listings are jobs for the workers.
import { sql } from 'kysely'
import type PgBoss from 'pg-boss'
import { inTransaction, QUEUES, type CrawlListingJob } from '../db/job-queue.ts'
import { unfinishedQueuedRun } from '../db/queued-runs.ts'
import { createRun } from '../db/runs.ts'
import { startListings, type CrawlSource, type JobDeps, type StartedListing } from './crawl.ts'

// pg_advisory_xact_lock key: "euroQ", so two enqueuers never both find no run in progress
const ENQUEUE_LOCK = 0x6575_7251

export type Enqueued = { runId: number; listings: number } | { busyWith: number }

/**
 * Creates a queued run and one crawl job per listing, in one transaction: the jobs exist exactly
 * when the run does. One queued run at a time, as one `run` at a time: a run is diffed after the
 * one before it, so the next waits until every listing of the last one is crawled.
 */
export async function enqueueRun(deps: JobDeps, boss: PgBoss, sources: CrawlSource[], full: boolean): Promise<Enqueued> {
  return deps.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${ENQUEUE_LOCK})`.execute(trx)
    const busyWith = await unfinishedQueuedRun(trx)
    if (busyWith !== undefined) return { busyWith }
    const startedAt = deps.now()
    const runId = await createRun(trx, startedAt, true)
    const started = await startListings(trx, runId, sources, startedAt, full)
    const jobs = byHostInTurn(started).map((listing) => ({ name: QUEUES.crawl, data: crawlJobOf(runId, listing) }))
    await boss.insert(jobs, { db: inTransaction(trx) })
    deps.log.info({ runId, listings: jobs.length }, 'run queued')
    return { runId, listings: jobs.length }
  })
}

export function crawlJobOf(runId: number, listing: StartedListing): CrawlListingJob {
  return { runId, listingId: listing.target.listingId, source: listing.source.name, mode: listing.target.mode ?? 'full', host: new URL(listing.source.url).host }
}

/** The first listing of every host, then the second of each, and so on: workers fetching in order start on different hosts. */
function byHostInTurn(listings: StartedListing[]): StartedListing[] {
  const byHost = new Map<string, StartedListing[]>()
  for (const listing of listings) {
    const host = new URL(listing.source.url).host
    byHost.set(host, [...(byHost.get(host) ?? []), listing])
  }
  const rounds = Math.max(0, ...[...byHost.values()].map((group) => group.length))
  return Array.from({ length: rounds }, (_, round) => [...byHost.values()].flatMap((group) => group.slice(round, round + 1))).flat()
}
