// A worker's crawl of one listing of a queued run (jobs/crawl-worker.ts runs it for each job).
import type { Kysely } from 'kysely'
import { setTimeout as sleep } from 'node:timers/promises'
import { fullCrawlHistory } from '../db/incremental.ts'
import { finishJobId, inTransaction, QUEUES, type CrawlListingJob } from '../db/job-queue.ts'
import { startListingCrawl } from '../db/listings.ts'
import { finishQueuedListing, leaseHost, listingCrawlOf, releaseHost } from '../db/queued-runs.ts'
import type { Database } from '../db/schema.ts'
import type { ListingCrawlOutcome } from '../db/listings.ts'
import type PgBoss from 'pg-boss'
import { crawlListingsOfRun, type CrawlJobSettings, type CrawlSource, type JobDeps } from './crawl.ts'

export interface ListingJobContext {
  boss: PgBoss
  /** The listings this worker's configuration knows, by name. */
  sources: readonly CrawlSource[]
  settings: CrawlJobSettings
  /** This worker, as the holder of the hosts it crawls. */
  holder: string
  hostLeaseSeconds: number
}

/**
 * 'crawled'; 'done': an earlier try finished it (its worker killed before the job was marked
 * complete); 'busy': another worker has been crawling its host for the last 5 s: try again shortly.
 */
export type ListingJobOutcome = 'crawled' | 'done' | 'busy'

/**
 * Crawls the job's listing while holding its host (one crawl per host across the workers), and
 * records its verdict; the worker finishing the run's last listing sends the run's finish job in
 * the same transaction. A try after a killed one crawls the listing again: stored pages are
 * content-addressed and a page read twice in a run is recorded once.
 */
export async function crawlListingJob(deps: JobDeps, job: CrawlListingJob, context: ListingJobContext): Promise<ListingJobOutcome> {
  const { db } = deps
  if (!(await waitForHost(db, job.host, context))) return 'busy'
  // the lease outlives a killed worker by at most hostLeaseSeconds; a live one renews it
  const renewal = setInterval(() => void leaseHost(db, job.host, context.holder, context.hostLeaseSeconds).catch(() => undefined), (context.hostLeaseSeconds * 1000) / 3)
  try {
    if ((await listingCrawlOf(db, job.runId, job.listingId))?.status !== 'running') return 'done'
    const source = context.sources.find((candidate) => candidate.name === job.source)
    const finish = (outcome: ListingCrawlOutcome, at: Date) => finishListing(db, context.boss, job, outcome, at)
    if (source === undefined) {
      await finish({ status: 'failed', pages: 0, entries: 0, reason: `no listing named "${job.source}" in this worker's configuration` }, deps.now())
      return 'crawled'
    }
    const startedAt = deps.now()
    await startListingCrawl(db, job.runId, job.listingId, startedAt)
    const history = (await fullCrawlHistory(db, [job.listingId], job.runId)).get(job.listingId)
    const started = { target: { listingId: job.listingId, ...source, sourceName: source.name, mode: job.mode }, source, lastFullAt: history?.lastFullAt ?? null }
    await crawlListingsOfRun(deps, job.runId, [started], context.settings, (_listingId, verdict, at) => finish(verdict, at))
    return 'crawled'
  } finally {
    clearInterval(renewal)
    await releaseHost(db, job.host, context.holder).catch(() => undefined)
  }
}

// another worker's crawl of the host usually ends within seconds: waiting starts this job right after it
const HOST_WAIT_MS = 5000
const HOST_POLL_MS = 250

async function waitForHost(db: Kysely<Database>, host: string, context: ListingJobContext): Promise<boolean> {
  const deadline = Date.now() + HOST_WAIT_MS
  for (;;) {
    if (await leaseHost(db, host, context.holder, context.hostLeaseSeconds)) return true
    if (Date.now() >= deadline) return false
    await sleep(HOST_POLL_MS)
  }
}

/** A crawl job tried its last time and failed (pg-boss's dead letter): its listing fails, the run goes on. */
export async function failListingJob(deps: JobDeps, boss: PgBoss, job: CrawlListingJob, reason: string): Promise<void> {
  if ((await listingCrawlOf(deps.db, job.runId, job.listingId))?.status !== 'running') return
  await finishListing(deps.db, boss, job, { status: 'failed', pages: 0, entries: 0, reason: `its crawl job failed for good: ${reason}` }, deps.now())
}

async function finishListing(db: Kysely<Database>, boss: PgBoss, job: CrawlListingJob, outcome: ListingCrawlOutcome, at: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const runStatus = await finishQueuedListing(trx, job.runId, job.listingId, outcome, at)
    if (runStatus !== null) await boss.send(QUEUES.finish, { runId: job.runId }, { id: finishJobId(job.runId), db: inTransaction(trx) })
  })
}
