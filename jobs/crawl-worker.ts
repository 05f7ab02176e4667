// `eurowatch worker`: takes crawl jobs from the queue, crawls each listing, finishes runs.
import { hostname } from 'node:os'
import type PgBoss from 'pg-boss'
import type { DatabaseTarget } from '../db/connection.ts'
import { QUEUES, type CrawlListingJob, type FinishRunJob } from '../db/job-queue.ts'
import { recordWorker, removeWorker } from '../db/queued-runs.ts'
import { withRunLock } from '../db/run-lock.ts'
import type { CrawlJobSettings, CrawlSource, JobDeps } from './crawl.ts'
import type { DetailPageSettings } from './detail-pages.ts'
import type { DiffOptions } from './diff.ts'
import type { Outbox } from './deliver.ts'
import { crawlListingJobs, failListingJob } from './listing-job.ts'
import { afterCrawl } from './run.ts'
import { SharedHostLimiter } from './shared-host-limiter.ts'

export interface CrawlWorkerSettings {
  concurrency: number
  hostLeaseSeconds: number
  shutdownSeconds: number
  /** How often an idle worker asks for a job (pg-boss polls). */
  pollSeconds: number
}

export interface CrawlWorkerSetup {
  target: DatabaseTarget
  sources: CrawlSource[]
  settings: CrawlJobSettings & DetailPageSettings
  diff: DiffOptions
  outbox: Outbox | null
}

export interface RunningWorker {
  id: string
  /** Stops taking jobs; the jobs in hand get shutdownSeconds to finish. */
  stop(): Promise<void>
}

const HEARTBEAT_MS = 15_000
// a host another worker crawls: its job is sent again for this much later
const BUSY_HOST_RETRY_SECONDS = 1

export async function startCrawlWorker(deps: JobDeps, boss: PgBoss, setup: CrawlWorkerSetup, worker: CrawlWorkerSettings): Promise<RunningWorker> {
  const { db, log } = deps
  const id = `${hostname()}:${process.pid}:${Date.now()}`
  const startedAt = deps.now()
  let jobsDone = 0
  const outage = databaseOutage(log)
  boss.on('error', (error: Error) => outage.failed(error))

  const beat = () =>
    recordWorker(db, { id, hostname: hostname(), pid: process.pid, concurrency: worker.concurrency, startedAt, jobsDone }, deps.now()).then(outage.reached, (error: unknown) => outage.failed(error))
  await beat()
  const heartbeat = setInterval(() => void beat(), HEARTBEAT_MS)

  // every request of every worker paced together, in PostgreSQL
  const settings = { ...setup.settings, limiter: new SharedHostLimiter(db, setup.settings.perHostDelaySeconds) }
  const listingContext = { boss, sources: setup.sources, settings, holder: id, hostLeaseSeconds: worker.hostLeaseSeconds }
  const polling = { batchSize: 1, pollingIntervalSeconds: worker.pollSeconds }

  // up to `concurrency` listings a time, crawled together by one crawler (as `run` crawls a run's)
  const crawlBatch = async (jobs: PgBoss.Job<CrawlListingJob>[]) => {
    const outcomes = await crawlListingJobs(deps, jobs.map((job) => job.data), listingContext)
    for (const [index, job] of jobs.entries()) {
      const outcome = outcomes[index]
      if (outcome === 'busy') await boss.send(QUEUES.crawl, job.data, { startAfter: BUSY_HOST_RETRY_SECONDS })
      else jobsDone += 1
      log.info({ runId: job.data.runId, listing: job.data.source, outcome }, 'crawl job done')
    }
  }
  await boss.work<CrawlListingJob>(QUEUES.crawl, { ...polling, batchSize: worker.concurrency }, crawlBatch)

  await boss.work<CrawlListingJob>(QUEUES.crawlFailed, polling, async ([job]) => {
    if (job === undefined) return
    log.error({ runId: job.data.runId, listing: job.data.source }, 'a crawl job failed for good: its listing fails in this run')
    await failListingJob(deps, boss, job.data, 'tried the configured number of times')
  })

  await boss.work<FinishRunJob>(QUEUES.finish, polling, async ([job]) => {
    if (job === undefined) return
    // the run lock: a lone `eurowatch run` on the same database never diffs at the same time (busy: tried again)
    const summary = await withRunLock(db, setup.target, () => afterCrawl(deps, job.data.runId, setup.sources, settings, setup.diff, setup.outbox))
    jobsDone += 1
    log.info({ runId: job.data.runId, changes: summary.changes, delivered: summary.delivery?.sent ?? null }, 'run finished')
  })
  log.info({ worker: id, concurrency: worker.concurrency }, 'worker started')

  return {
    id,
    stop: async () => {
      clearInterval(heartbeat)
      await boss.stop({ graceful: true, timeout: worker.shutdownSeconds * 1000, wait: true })
      await removeWorker(db, id).catch(() => undefined)
      log.info({ worker: id, jobsDone }, 'worker stopped')
    },
  }
}

/** One line when the database goes away, one when it is back: not one per failed poll. */
function databaseOutage(log: JobDeps['log']): { failed(error: unknown): void; reached(): void } {
  let downSince: number | null = null
  return {
    failed(error) {
      if (downSince !== null) return
      downSince = Date.now()
      log.error({ error: error instanceof Error ? error.message : String(error) }, 'database unreachable: retrying')
    },
    reached() {
      if (downSince === null) return
      log.warn({ downSeconds: Math.round((Date.now() - downSince) / 1000) }, 'database reachable again')
      downSince = null
    },
  }
}
