// The crawl queue for the verbs that use it (worker, enqueue, schedule --queue, migrate).
import type PgBoss from 'pg-boss'
import type { DatabaseTarget } from '../../db/connection.ts'
import { createJobQueue, defineQueues, requireJobQueue, type QueueTiming } from '../../db/job-queue.ts'
import { UserError } from '../../domain/errors.ts'
import type { Config } from '../config/schema.ts'
import type { CliContext } from './context.ts'

export function queueTiming(config: Config): QueueTiming {
  const { workers } = config
  return { jobTimeoutSeconds: workers.jobTimeoutSeconds, retryLimit: workers.retries, retryDelaySeconds: workers.retryDelaySeconds, maintenanceSeconds: workers.maintenanceSeconds }
}

/** The PostgreSQL URL the queue lives on; a UserError on PGlite, which one process holds at a time. */
export function queueDatabaseUrl(target: DatabaseTarget, verb: string): string {
  if (target.kind !== 'postgres') {
    throw new UserError(`${verb} needs PostgreSQL: set DATABASE_URL`, 'the embedded database is open in one process at a time; `eurowatch run` crawls alone without a queue')
  }
  return target.url
}

/**
 * pg-boss started on the context's server. `migrate`: its schema and queues made or upgraded (as
 * every storing verb migrates ours); otherwise a schema not made or out of date is a UserError.
 */
export async function openJobQueue(context: CliContext, verb: string, options: { migrate: boolean; supervise: boolean }): Promise<PgBoss> {
  const url = queueDatabaseUrl(context.target, verb)
  if (!options.migrate) await requireJobQueue(context.db)
  const timing = queueTiming(context.loaded.config)
  const boss = await createJobQueue(url, { ...options, timing, applicationName: `eurowatch ${verb}` })
  await boss.start()
  if (options.migrate) await defineQueues(boss, timing)
  return boss
}
