// Where the watch stands, for `eurowatch status`: listings, entries awaiting removal, the
// outbox per subscription, open operator problems, the scheduler and the crawl queue. Reads only.
import type { Kysely } from 'kysely'
import { deliveryCounts, type ChannelDeliveryCounts } from '../db/outbox.ts'
import { openProblems, type OpenProblem } from '../db/operator-problems.ts'
import { crawlJobCounts, type ListingJobCounts } from '../db/job-queue.ts'
import { recentWorkers, type WorkerBeat } from '../db/queued-runs.ts'
import type { Database } from '../db/schema.ts'
import { awaitingRemoval, listingStates, schedulerState, type AwaitingRemoval, type ListingState, type SchedulerState } from '../db/status-queries.ts'

export interface WatchStatus {
  listings: ListingState[]
  awaitingRemoval: { total: number; entries: AwaitingRemoval[] }
  deliveries: ChannelDeliveryCounts[]
  problems: OpenProblem[]
  scheduler: SchedulerState | null
  /** The crawl queue (PostgreSQL with workers): jobs per listing not done or failed for good, and the workers seen in the last minute. */
  queue: { listings: ListingJobCounts[]; workers: WorkerBeat[] }
}

export async function loadStatus(db: Kysely<Database>, options: { awaitingLimit: number; now: Date }): Promise<WatchStatus> {
  const [listings, awaiting, deliveries, problems, scheduler, jobs, workers] = await Promise.all([
    listingStates(db),
    awaitingRemoval(db, options.awaitingLimit),
    deliveryCounts(db),
    openProblems(db),
    schedulerState(db),
    crawlJobCounts(db),
    recentWorkers(db, new Date(options.now.getTime() - 60_000)),
  ])
  return { listings, awaitingRemoval: awaiting, deliveries, problems, scheduler, queue: { listings: jobs, workers } }
}
