// The crawl queue: pg-boss (its own schema, `pgboss`, beside ours) on the PostgreSQL server the
// workers share. One job is one listing's crawl in a queued run; the worker that finishes a run's
// last listing sends the run's finish job (entries' own pages, diff, deliveries) in the same
// transaction. pg-boss is pinned ~10.4.2: the last release whose engines admit Node 20.
import { createHash } from 'node:crypto'
import type { EventEmitter } from 'node:events'
import { createRequire } from 'node:module'
import { setTimeout as sleep } from 'node:timers/promises'
import { CompiledQuery, type Kysely } from 'kysely'
import type PgBoss from 'pg-boss'
import { UserError } from '../domain/errors.ts'
import type { Database } from './schema.ts'

export const QUEUE_SCHEMA = 'pgboss'

export const QUEUES = {
  /** One job per listing of a queued run. */
  crawl: 'eurowatch-crawl',
  /** A crawl job that failed for good: its listing is failed and the run moves on. */
  crawlFailed: 'eurowatch-crawl-failed',
  /** One job per run, sent by the worker that finished its last listing. */
  finish: 'eurowatch-finish-run',
} as const

export interface CrawlListingJob {
  runId: number
  listingId: number
  /** The configuration's name of the listing: each worker reads its own configuration. */
  source: string
  mode: 'full' | 'incremental'
  /** The listing's host (name and port): one crawl per host at a time. */
  host: string
}

export interface FinishRunJob {
  runId: number
}

/** How long jobs may take and how often they are tried: from the configuration's `workers`. */
export interface QueueTiming {
  /** A crawl job running longer is failed and tried again (a killed worker's comes back after it). */
  jobTimeoutSeconds: number
  /** Tries after the first, with a growing delay from retryDelaySeconds. */
  retryLimit: number
  retryDelaySeconds: number
  /** How often a worker looks for expired jobs and archives old ones. */
  maintenanceSeconds: number
}

/** pg-boss on its own small pool of `url`; started by the caller. `migrate`: create or upgrade its schema. */
export async function createJobQueue(url: string, options: { migrate: boolean; supervise: boolean; timing: QueueTiming; applicationName: string }): Promise<PgBoss> {
  const { default: PgBossClass } = await import('pg-boss')
  return new PgBossClass({
    db: completionSafeConnection({ connectionString: url, application_name: options.applicationName, max: 4 }),
    schema: QUEUE_SCHEMA,
    migrate: options.migrate,
    supervise: options.supervise,
    schedule: false,
    maintenanceIntervalSeconds: options.timing.maintenanceSeconds,
    // finished jobs are archived after an hour and deleted after a week: the job table stays small
    archiveCompletedAfterSeconds: 3600,
    deleteAfterDays: 7,
  })
}

// pg-boss's own connection class and statement texts (internal modules, no types): pinned above.
interface PgBossConnection extends PgBoss.Db, EventEmitter {
  isOurs?: boolean
  opened?: boolean
}
type PgBossConnectionClass = new (config: { connectionString: string; application_name: string; max: number }) => PgBossConnection

// how long a job's completion is tried again while the database is away; past it the job is left
// active, and pg-boss's expiry runs it again
const COMPLETION_RETRY_MS = 60_000

/**
 * pg-boss's connection, but a job's completion or failure survives a short outage. pg-boss 10 does
 * not await those two statements after a handler returns (manager.js, `work`'s onFetch): a
 * connection cut at that moment was an unhandled rejection, which ends the process. They are tried
 * again here until stored (a finished job is then not run again) and never reject.
 */
function completionSafeConnection(config: ConstructorParameters<PgBossConnectionClass>[0]): PgBossConnection {
  const require = createRequire(import.meta.url)
  const Connection = require('pg-boss/src/db.js') as PgBossConnectionClass
  const plans = require('pg-boss/src/plans.js') as { completeJobs(schema: string): string; failJobsById(schema: string): string }
  const completions = new Set([plans.completeJobs(QUEUE_SCHEMA), plans.failJobsById(QUEUE_SCHEMA)])
  const connection = new Connection(config)
  // pg-boss opens, closes and listens to it as to the connection it makes itself
  connection.isOurs = true
  const executeSql = connection.executeSql.bind(connection)
  connection.executeSql = async (text, values) => {
    if (!completions.has(text)) return executeSql(text, values)
    const giveUpAt = Date.now() + COMPLETION_RETRY_MS
    for (let delayMs = 250; ; delayMs = Math.min(delayMs * 2, 5000)) {
      try {
        return await executeSql(text, values)
      } catch (error) {
        connection.emit('error', error)
        if (!connection.opened || Date.now() + delayMs > giveUpAt) return { rows: [{ count: 0 }] }
        await sleep(delayMs)
      }
    }
  }
  return connection
}

/** The queues, created or brought to the configured timing (idempotent). */
export async function defineQueues(boss: PgBoss, timing: QueueTiming): Promise<void> {
  const tries = { retryLimit: timing.retryLimit, retryDelay: timing.retryDelaySeconds, retryBackoff: true }
  const queues: PgBoss.Queue[] = [
    { name: QUEUES.crawlFailed, policy: 'standard', ...tries, expireInSeconds: 300 },
    { name: QUEUES.crawl, policy: 'standard', ...tries, expireInSeconds: timing.jobTimeoutSeconds, deadLetter: QUEUES.crawlFailed },
    // its diff and deliveries are idempotent: tried until they succeed (a run lock held by a lone `run` waits)
    { name: QUEUES.finish, policy: 'standard', retryLimit: 1000, retryDelay: timing.retryDelaySeconds, retryBackoff: true, expireInSeconds: timing.jobTimeoutSeconds },
  ]
  for (const queue of queues) {
    const existing = await boss.getQueue(queue.name)
    if (existing === null) await boss.createQueue(queue.name, queue)
    else await boss.updateQueue(queue.name, queue)
  }
}

/** pg-boss's statements inside one of ours: a job sent within a transaction exists only if it commits. */
export function inTransaction(trx: Kysely<Database>): PgBoss.Db {
  return {
    executeSql: async (text, values) => {
      const result = await trx.executeQuery(CompiledQuery.raw(text, values))
      return { rows: [...result.rows] }
    },
  }
}

/** The finish job's id, the same for every sender of one run: a second send is ignored. */
export function finishJobId(runId: number): string {
  const hex = createHash('sha256').update(`eurowatch finish run ${runId}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** Whether pg-boss's schema is there and current: `absent`, `current`, or `old`. */
export async function jobQueueSchema(db: Kysely<Database>): Promise<'absent' | 'current' | 'old'> {
  const installed = await db.executeQuery<{ name: string | null }>(CompiledQuery.raw(`select to_regclass('${QUEUE_SCHEMA}.version')::text as name`, []))
  if (installed.rows[0]?.name == null) return 'absent'
  const { rows } = await db.executeQuery<{ version: number }>(CompiledQuery.raw(`select version from ${QUEUE_SCHEMA}.version`, []))
  const { default: versionFile } = await import('pg-boss/version.json', { with: { type: 'json' } })
  return rows[0]?.version === versionFile.schema ? 'current' : 'old'
}

/** For verbs that need the queue: PostgreSQL only, with pg-boss's schema made by `eurowatch migrate`. */
export async function requireJobQueue(db: Kysely<Database>): Promise<void> {
  const state = await jobQueueSchema(db)
  if (state === 'absent') throw new UserError('the database has no crawl queue yet: run `eurowatch migrate`', 'it creates the pgboss schema beside eurowatch\'s')
  if (state === 'old') throw new UserError('the crawl queue\'s schema (pgboss) is out of date: run `eurowatch migrate`')
}

export interface ListingJobCounts {
  source: string
  queued: number
  active: number
  failed: number
}

/** Crawl jobs not done yet, and those failed for good, per listing; empty where the queue does not exist (PGlite, never migrated for it). */
export async function crawlJobCounts(db: Kysely<Database>): Promise<ListingJobCounts[]> {
  if ((await jobQueueSchema(db)) === 'absent') return []
  const { rows } = await db.executeQuery<ListingJobCounts>(
    CompiledQuery.raw(
      `select data->>'source' as source,
         count(*) filter (where state in ('created', 'retry'))::int as queued,
         count(*) filter (where state = 'active')::int as active,
         count(*) filter (where state = 'failed')::int as failed
       from ${QUEUE_SCHEMA}.job where name = $1 and state in ('created', 'retry', 'active', 'failed')
       group by 1 order by 1`,
      [QUEUES.crawl],
    ),
  )
  return [...rows]
}
