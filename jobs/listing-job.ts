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
 * Crawls the jobs' listings together, as `run` crawls a run's (one crawler, one page reader, one
 * robots.txt per host), while holding their hosts: one worker crawls a host at a time. Records each
 * listing's verdict; the worker finishing a run's last listing sends the run's finish job in the
 * same transaction. A try after a killed one crawls the listing again: stored pages are
 * content-addressed and a page read twice in a run is recorded once. Outcomes in the jobs' order.
 */
export async function crawlListingJobs(deps: JobDeps, jobs: readonly CrawlListingJob[], context: ListingJobContext): Promise<ListingJobOutcome[]> {
  const { db } = deps
  const hosts = [...new Set(jobs.map((job) => job.host))]
  const leases = await Promise.all(hosts.map((host) => waitForHost(db, host, context)))
  const held = new Set(hosts.filter((_host, index) => leases[index]))
  // the leases outlive a killed worker by at most hostLeaseSeconds; a live one renews them
  const renew = () => [...held].forEach((host) => void leaseHost(db, host, context.holder, context.hostLeaseSeconds).catch(() => undefined))
  const renewal = setInterval(renew, (context.hostLeaseSeconds * 1000) / 3)
  try {
    const outcomes = new Map<CrawlListingJob, ListingJobOutcome>()
    const toCrawl: { job: CrawlListingJob; source: CrawlSource }[] = []
    for (const job of jobs) {
      if (!held.has(job.host)) outcomes.set(job, 'busy')
      else if ((await listingCrawlOf(db, job.runId, job.listingId))?.status !== 'running') outcomes.set(job, 'done')
      else {
        const source = context.sources.find((candidate) => candidate.name === job.source)
        outcomes.set(job, 'crawled')
        if (source !== undefined) toCrawl.push({ job, source })
        else await finishListing(db, context.boss, job, { status: 'failed', pages: 0, entries: 0, reason: `no listing named "${job.source}" in this worker's configuration` }, deps.now())
      }
    }
    // a listing's job tried again while the next run is queued: each run's listings crawled as that run's
    for (const runId of new Set(toCrawl.map(({ job }) => job.runId))) {
      const ofRun = toCrawl.filter(({ job }) => job.runId === runId)
      const startedAt = deps.now()
      for (const { job } of ofRun) await startListingCrawl(db, runId, job.listingId, startedAt)
      const histories = await fullCrawlHistory(db, ofRun.map(({ job }) => job.listingId), runId)
      const started = ofRun.map(({ job, source }) => ({
        target: { listingId: job.listingId, ...source, sourceName: source.name, mode: job.mode },
        source,
        lastFullAt: histories.get(job.listingId)?.lastFullAt ?? null,
      }))
      const jobOf = new Map(ofRun.map(({ job }) => [job.listingId, job]))
      await crawlListingsOfRun(deps, runId, started, context.settings, async (listingId, verdict, at) => {
        const job = jobOf.get(listingId)
        if (job !== undefined) await finishListing(db, context.boss, job, verdict, at)
      })
    }
    return jobs.map((job) => outcomes.get(job) ?? 'busy')
  } finally {
    clearInterval(renewal)
    await Promise.all([...held].map((host) => releaseHost(db, host, context.holder).catch(() => undefined)))
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
