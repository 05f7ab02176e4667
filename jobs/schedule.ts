import { createTask, validateDetailed } from 'node-cron'
import type { Logger } from 'pino'
import { UserError } from '../domain/errors.ts'
import type { RunSummary } from './run.ts'
import type { Outbox } from './deliver.ts'

export interface Schedule {
  cron: string
  timeZone: string
  /** Stop after this many runs (for trials and tests); null runs until stopped. */
  maxRuns: number | null
}

export interface ScheduledRuns {
  /** Stops scheduling and waits for a run in progress to finish. */
  stop(): Promise<void>
  /** Settles when the runs stop: after maxRuns, or after stop(). */
  finished: Promise<void>
}

// node-cron's words ("61 is a invalid expression for minute") told as ours
const CRON_FIELDS: Record<string, { name: string; range: string }> = {
  second: { name: 'second', range: '0-59' },
  minute: { name: 'minute', range: '0-59' },
  hour: { name: 'hour', range: '0-23' },
  dayOfMonth: { name: 'day-of-month', range: '1-31' },
  month: { name: 'month', range: '1-12 (or jan-dec)' },
  dayOfWeek: { name: 'day-of-week', range: '0-7 (or sun-sat)' },
}

/** A UserError naming the flag unless node-cron takes the expression. */
export function checkCronExpression(cron: string): void {
  const check = validateDetailed(cron)
  if (check.valid) return
  const first = check.errors?.[0]
  const field = first?.field === undefined ? undefined : CRON_FIELDS[first.field]
  const what = field === undefined ? (first?.message ?? 'invalid') : `its ${field.name} field "${first?.value ?? ''}" is not within ${field.range}`
  throw new UserError(`--cron: "${cron}" is not a cron expression: ${what}`, 'e.g. "17 * * * *" for every hour at :17')
}

/** Runs the pipeline (or queues a run, with `schedule --queue`) on a cron schedule, never two at once; a failed run is logged and the next one still comes. */
export function scheduleRuns<Outcome = RunSummary>(schedule: Schedule, runOnce: () => Promise<Outcome>, onRun: (outcome: Outcome) => void, log: Logger): ScheduledRuns {
  checkCronExpression(schedule.cron)
  let runs = 0
  let current: Promise<unknown> = Promise.resolve()
  let finish: () => void = () => undefined
  const finished = new Promise<void>((resolve) => {
    finish = resolve
  })
  const task = createTask(
    schedule.cron,
    async () => {
      const run = runOnce().then(onRun, (error: unknown) => log.error({ error: error instanceof Error ? error.message : String(error) }, 'scheduled run failed'))
      current = run
      await run
      runs += 1
      if (schedule.maxRuns !== null && runs >= schedule.maxRuns) await stop()
    },
    { timezone: schedule.timeZone, noOverlap: true, name: 'eurowatch run' },
  )
  const stop = async () => {
    await task.stop()
    await current
    finish()
  }
  void task.start()
  log.info({ cron: schedule.cron, timeZone: schedule.timeZone }, 'schedule started')
  return { stop, finished }
}

/**
 * One cron task per digest subscription, sending what is due at its time (the runs' own
 * deliveries also send digests whose time has passed). A failed send is logged; the next comes.
 */
export function scheduleDigests(outbox: Outbox, deliver: () => Promise<unknown>, log: Logger): { stop(): Promise<void> }[] {
  return outbox.subscribers.flatMap((subscriber) => {
    if (subscriber.cadence.kind !== 'digest') return []
    const task = createTask(
      subscriber.cadence.cron,
      async () => {
        await deliver().catch((error: unknown) => log.error({ subscription: subscriber.name, error: error instanceof Error ? error.message : String(error) }, 'digest delivery failed'))
      },
      { timezone: subscriber.cadence.timeZone, noOverlap: true, name: `digest ${subscriber.name}` },
    )
    void task.start()
    return [{ stop: async () => void (await task.stop()) }]
  })
}
