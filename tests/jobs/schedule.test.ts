import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import type { RunSummary } from '../../jobs/run.ts'
import { scheduleRuns } from '../../jobs/schedule.ts'
import { UserError } from '../../domain/errors.ts'

const silent = pino({ level: 'silent' })
const summary = (runId: number) => ({ crawl: { runId }, diffs: [], changes: 0 }) as unknown as RunSummary

describe('scheduleRuns', () => {
  it('runs on the schedule, never two at once, and stops after maxRuns', async () => {
    let running = 0
    let most = 0
    let started = 0
    const seen: number[] = []
    const runs = scheduleRuns(
      { cron: '* * * * * *', timeZone: 'Europe/Brussels', maxRuns: 2 },
      async () => {
        started += 1
        running += 1
        most = Math.max(most, running)
        // longer than the one-second schedule: the next tick must not start a second run
        await new Promise((resolve) => setTimeout(resolve, 1500))
        running -= 1
        return summary(started)
      },
      (result) => seen.push(result.crawl.runId),
      silent,
    )
    await runs.finished
    expect(seen).toEqual([1, 2])
    expect(most).toBe(1)
  }, 15_000)

  it('keeps going after a failed run', async () => {
    let attempt = 0
    const seen: number[] = []
    const runs = scheduleRuns(
      { cron: '* * * * * *', timeZone: 'UTC', maxRuns: 2 },
      async () => {
        attempt += 1
        if (attempt === 1) throw new Error('the site is down')
        return summary(attempt)
      },
      (result) => seen.push(result.crawl.runId),
      silent,
    )
    await runs.finished
    expect(seen).toEqual([2])
  }, 15_000)

  it('rejects a malformed cron expression naming the flag', () => {
    expect(() => scheduleRuns({ cron: '61 * * * *', timeZone: 'UTC', maxRuns: 1 }, async () => summary(1), () => undefined, silent)).toThrow(UserError)
    expect(() => scheduleRuns({ cron: 'hourly', timeZone: 'UTC', maxRuns: 1 }, async () => summary(1), () => undefined, silent)).toThrow(/--cron: "hourly"/)
  })
})
