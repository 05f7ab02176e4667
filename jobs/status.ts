// Where the watch stands, for `eurowatch status`: listings, entries awaiting removal, the
// outbox per subscription, open operator problems and the scheduler. Reads only.
import type { Kysely } from 'kysely'
import { deliveryCounts, type ChannelDeliveryCounts } from '../db/outbox.ts'
import { openProblems, type OpenProblem } from '../db/operator-problems.ts'
import type { Database } from '../db/schema.ts'
import { awaitingRemoval, listingStates, schedulerState, type AwaitingRemoval, type ListingState, type SchedulerState } from '../db/status-queries.ts'

export interface WatchStatus {
  listings: ListingState[]
  awaitingRemoval: { total: number; entries: AwaitingRemoval[] }
  deliveries: ChannelDeliveryCounts[]
  problems: OpenProblem[]
  scheduler: SchedulerState | null
}

export async function loadStatus(db: Kysely<Database>, options: { awaitingLimit: number }): Promise<WatchStatus> {
  const [listings, awaiting, deliveries, problems, scheduler] = await Promise.all([
    listingStates(db),
    awaitingRemoval(db, options.awaitingLimit),
    deliveryCounts(db),
    openProblems(db),
    schedulerState(db),
  ])
  return { listings, awaitingRemoval: awaiting, deliveries, problems, scheduler }
}
