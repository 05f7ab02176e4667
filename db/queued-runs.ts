// Runs crawled by workers (`eurowatch worker`): each listing a job, the run finished by the
// worker that finishes its last listing. Also the workers seen, for `status`.
import { sql, type Kysely } from 'kysely'
import { runStatus } from '../domain/run-status.ts'
import { finishListingCrawl, type ListingCrawlOutcome } from './listings.ts'
import { finishRun } from './runs.ts'
import type { Database, ListingCrawl, RunStatus } from './schema.ts'

/** A queued run whose listings are still being crawled, or undefined. */
export async function unfinishedQueuedRun(db: Kysely<Database>): Promise<number | undefined> {
  const row = await db.selectFrom('crawl_run').select('id').where('queued', '=', true).where('status', '=', 'running').orderBy('id').limit(1).executeTakeFirst()
  return row?.id
}

/** The listing's crawl in a run: a job run twice (its worker killed after finishing) finds it done. */
export async function listingCrawlOf(db: Kysely<Database>, runId: number, listingId: number): Promise<ListingCrawl | undefined> {
  return db.selectFrom('listing_crawl').selectAll().where('run_id', '=', runId).where('listing_id', '=', listingId).executeTakeFirst()
}

/**
 * Records a listing's verdict and, when it was the run's last listing still crawling, finishes the
 * run: its status from its listings', its counts from what was stored. The run row is locked first,
 * so of workers finishing listings at once exactly one sees none left. Call inside a transaction;
 * returns the run's status when this call finished it, else null.
 */
export async function finishQueuedListing(
  trx: Kysely<Database>,
  runId: number,
  listingId: number,
  outcome: ListingCrawlOutcome,
  at: Date,
): Promise<Exclude<RunStatus, 'running'> | null> {
  const run = await trx.selectFrom('crawl_run').select(['status']).where('id', '=', runId).forUpdate().executeTakeFirst()
  await finishListingCrawl(trx, runId, listingId, outcome, at)
  if (run?.status !== 'running') return null
  const listings = await trx.selectFrom('listing_crawl').select(['status', 'limited', 'entries', 'reason', 'listing_id']).where('run_id', '=', runId).execute()
  if (listings.some((listing) => listing.status === 'running')) return null
  const status = runStatus(listings.map((listing) => (listing.limited ? 'complete' : listing.status)).filter((s) => s !== 'running'))
  const counts = await sql<{ pages: number; versions: number }>`
    select (select count(*)::int from page_fetch where run_id = ${runId}) as pages,
           (select count(*)::int from entry_version where valid_from_run = ${runId}) as versions`.execute(trx)
  const names = await trx.selectFrom('listing').select(['id', 'source_id']).where('id', 'in', listings.map((listing) => listing.listing_id)).execute()
  const nameOf = new Map(names.map((listing) => [listing.id, listing.source_id]))
  const error = listings.flatMap((listing) => (listing.reason ? [`${nameOf.get(listing.listing_id) ?? listing.listing_id}: ${listing.reason}`] : [])).join('; ') || null
  await finishRun(
    trx,
    runId,
    {
      status,
      pagesFetched: counts.rows[0]?.pages ?? 0,
      entriesSeen: listings.reduce((total, listing) => total + listing.entries, 0),
      versionsCreated: counts.rows[0]?.versions ?? 0,
      error,
    },
    at,
  )
  return status
}

/**
 * Reserves the next request slot of a host, `delaySeconds` after the one before, whichever worker
 * took that: when it is (the database's clock) and how many milliseconds from now that is (0: now).
 */
export async function reserveHostSlot(db: Kysely<Database>, host: string, delaySeconds: number): Promise<{ slot: Date; waitMs: number }> {
  const { rows } = await sql<{ slot: Date; wait_ms: number }>`
    insert into crawl_host (host, next_request_at) values (${host}, now() + make_interval(secs => ${delaySeconds}))
    on conflict (host) do update set next_request_at = greatest(crawl_host.next_request_at, now()) + make_interval(secs => ${delaySeconds})
    returning next_request_at - make_interval(secs => ${delaySeconds}) as slot,
      greatest(0, extract(epoch from (next_request_at - make_interval(secs => ${delaySeconds}) - now())) * 1000)::float8 as wait_ms`.execute(db)
  const row = rows[0]
  if (row === undefined) throw new Error(`no request slot for ${host}`)
  return { slot: row.slot, waitMs: row.wait_ms }
}

/** Pushes a host's next request slot to at least `seconds` from now (a Retry-After it sent). */
export async function holdOffHost(db: Kysely<Database>, host: string, seconds: number): Promise<void> {
  await sql`
    insert into crawl_host (host, next_request_at) values (${host}, now() + make_interval(secs => ${seconds}))
    on conflict (host) do update set next_request_at = greatest(crawl_host.next_request_at, now() + make_interval(secs => ${seconds}))`.execute(db)
}

/** Takes the host for `holder` unless another's lease is still running; true when taken (or renewed). */
export async function leaseHost(db: Kysely<Database>, host: string, holder: string, seconds: number): Promise<boolean> {
  const { rows } = await sql<{ host: string }>`
    insert into crawl_host (host, holder, lease_until) values (${host}, ${holder}, now() + make_interval(secs => ${seconds}))
    on conflict (host) do update set holder = excluded.holder, lease_until = excluded.lease_until
      where crawl_host.holder is null or crawl_host.holder = excluded.holder or crawl_host.lease_until < now()
    returning host`.execute(db)
  return rows.length > 0
}

export async function releaseHost(db: Kysely<Database>, host: string, holder: string): Promise<void> {
  await db.updateTable('crawl_host').set({ holder: null, lease_until: null }).where('host', '=', host).where('holder', '=', holder).execute()
}

export interface WorkerBeat {
  id: string
  hostname: string
  pid: number
  concurrency: number
  startedAt: Date
  jobsDone: number
}

export async function recordWorker(db: Kysely<Database>, worker: WorkerBeat, at: Date): Promise<void> {
  const row = { hostname: worker.hostname, pid: worker.pid, concurrency: worker.concurrency, started_at: worker.startedAt, seen_at: at, jobs_done: worker.jobsDone }
  await db
    .insertInto('crawl_worker')
    .values({ id: worker.id, ...row })
    .onConflict((oc) => oc.column('id').doUpdateSet({ seen_at: at, jobs_done: worker.jobsDone }))
    .execute()
  // killed workers leave their row: gone after a day unseen
  await db.deleteFrom('crawl_worker').where('seen_at', '<', new Date(at.getTime() - 24 * 3600_000)).execute()
}

export async function removeWorker(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('crawl_worker').where('id', '=', id).execute()
}

/** Workers seen since `since`, most recently seen first. */
export async function recentWorkers(db: Kysely<Database>, since: Date): Promise<WorkerBeat[]> {
  const rows = await db.selectFrom('crawl_worker').selectAll().where('seen_at', '>=', since).orderBy('seen_at', 'desc').execute()
  return rows.map((row) => ({ id: row.id, hostname: row.hostname, pid: row.pid, concurrency: row.concurrency, startedAt: row.started_at, jobsDone: row.jobs_done }))
}
