import type { Command } from 'commander'
import { z } from 'zod'
import { isTimeZone, SITE_TIME_ZONE } from '../../../domain/site-zone.ts'
import { runExclusively } from '../../../jobs/exclusive.ts'
import { runPipeline, type RunSummary } from '../../../jobs/run.ts'
import { checkCronExpression, scheduleDigests, scheduleRuns } from '../../../jobs/schedule.ts'
import { deliverPending, nextTick, registerSubscriptions } from '../../../jobs/deliver.ts'
import { recordScheduler, type SchedulerState } from '../../../db/status-queries.ts'
import { withOutbox } from '../outbox.ts'
import { describeDelivery } from '../delivery-line.ts'
import { CrawlFlags, withCrawlSession } from '../crawl-setup.ts'
import { parseOptions } from '../options.ts'
import { openJobQueue } from '../job-queue.ts'
import { enqueueRun, type Enqueued } from '../../../jobs/enqueue-run.ts'
import { UserError } from '../../../domain/errors.ts'

const Options = CrawlFlags.extend({
  cron: z.string().min(1),
  timezone: z.string().min(1).refine(isTimeZone, 'not an IANA time zone (e.g. Europe/Brussels)').default(SITE_TIME_ZONE),
  maxRuns: z.coerce.number({ error: 'must be a positive whole number' }).int().positive().optional(),
  removeAfter: z.coerce.number().int().positive().optional(),
  queue: z.boolean().default(false),
})

export default async function schedule(raw: unknown, command: Command): Promise<void> {
  const options = parseOptions(Options, raw)
  // every flag checked before anything is opened or created
  checkCronExpression(options.cron)
  if (options.queue && options.offline) throw new UserError('--queue: the workers crawl the sites themselves; --offline crawls the bundled replica in this process only', 'drop --offline, or --queue (`eurowatch schedule --offline` runs alone)')
  await withCrawlSession(command, options, ({ context, sources, settings, deps }) =>
    withOutbox(context.loaded, async (outbox) => {
      const removeAfter = options.removeAfter ?? context.loaded.config.diff.removeAfter
      const schedule = { cron: options.cron, timeZone: options.timezone, maxRuns: options.maxRuns ?? null }
      // where the schedule stands, for `eurowatch status`; a failure to record it never stops the runs
      const heartbeat = (state: SchedulerState | null) =>
        recordScheduler(deps.db, state).catch((error: unknown) => context.log.warn({ error: error instanceof Error ? error.message : String(error) }, 'could not record the schedule'))
      const beat = () => heartbeat({ pid: process.pid, cron: schedule.cron, timeZone: schedule.timeZone, nextRunAt: nextTick(schedule, new Date()), updatedAt: new Date() })
      // with --queue, each tick queues a run for the workers, who crawl, diff and deliver
      const boss = options.queue ? await openJobQueue(context, 'schedule', { migrate: true, supervise: false }) : null
      if (boss !== null && outbox !== null) await registerSubscriptions(deps, outbox.subscribers)
      const runs =
        boss === null
          ? scheduleRuns(
              schedule,
              () => runExclusively(deps, context.target, () => runPipeline(deps, sources, settings, { removeAfter }, outbox)),
              (summary) => {
                process.stdout.write(describeRun(summary))
                void beat()
              },
              context.log,
            )
          : scheduleRuns(
              schedule,
              () => enqueueRun(deps, boss, sources, options.full),
              (queued) => {
                process.stdout.write(describeQueued(queued))
                void beat()
              },
              context.log,
            )
      // digests go out at their own times, between runs
      const digests = outbox === null ? [] : scheduleDigests(outbox, () => runExclusively(deps, context.target, () => deliverPending(deps, outbox)), context.log)
      await beat()
      process.stdout.write(`eurowatch: running "${options.cron}" (${options.timezone}) for ${sources.length} listings; stop with Ctrl-C\n`)
      const stop = () => void runs.stop()
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
      await runs.finished
      await Promise.all(digests.map((digest) => digest.stop()))
      await boss?.stop({ graceful: false, wait: true })
      await heartbeat(null)
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
    }),
  )
}

function describeQueued(queued: Enqueued): string {
  const what = 'busyWith' in queued ? `run ${queued.busyWith} is still being crawled by the workers: nothing queued` : `run ${queued.runId}: ${queued.listings} listings queued`
  return `${new Date().toISOString()} ${what}\n`
}

function describeRun(summary: RunSummary): string {
  const counts = summary.diffs.flatMap((diff) => Object.entries(diff.inserted).filter(([, n]) => n > 0).map(([kind, n]) => `${n} ${kind}`))
  const delivery = summary.delivery === null ? '' : `; ${describeDelivery(summary.delivery).trimEnd()}`
  return `${new Date().toISOString()} run ${summary.crawl.runId}: ${summary.crawl.status}, ${summary.crawl.pagesFetched} pages; ${counts.join(', ') || 'no changes'}${delivery}\n`
}
