import type { Command } from 'commander'
import { z } from 'zod'
import { latestFinishedRun } from '../../../db/diff-runs.ts'
import { diffPending, diffRun, type DiffSummary } from '../../../jobs/diff.ts'
import { UserError } from '../../../domain/errors.ts'
import { openCliContext } from '../context.ts'
import { compileFilter } from '../../../domain/subscription.ts'
import { parseOptions } from '../options.ts'

const Options = z.object({
  run: z.coerce.number().int().positive().optional(),
  removeAfter: z.coerce.number().int().positive().optional(),
  json: z.boolean().default(false),
})

export default async function diffRuns(raw: unknown, command: Command): Promise<void> {
  const options = parseOptions(Options, raw)
  const context = await openCliContext(command)
  try {
    const deps = { db: context.db, now: () => new Date(), log: context.log }
    const { config } = context.loaded
    // the deliveries of the changes are recorded with them; `eurowatch deliver` sends them
    const diffOptions = {
      removeAfter: options.removeAfter ?? config.diff.removeAfter,
      subscriptions: config.subscriptions.map((subscription) => ({ name: subscription.name, matches: compileFilter(subscription.filter ?? {}) })),
      tellOperator: config.operator !== undefined,
    }
    let summaries: DiffSummary[]
    if (options.run !== undefined) summaries = [await diffRun(deps, options.run, diffOptions)]
    else {
      summaries = await diffPending(deps, diffOptions)
      // nothing pending: show the latest run again (a repeated diff records nothing)
      const latest = summaries.length === 0 ? await latestFinishedRun(context.db) : undefined
      if (latest !== undefined) summaries = [await diffRun(deps, latest, diffOptions)]
    }
    if (summaries.length === 0) throw new UserError('no finished crawl run to diff', 'run `eurowatch crawl` first')
    process.stdout.write(options.json ? `${JSON.stringify(summaries, null, 2)}\n` : summaries.map(formatSummary).join(''))
  } finally {
    await context.close()
  }
}

function formatSummary(summary: DiffSummary): string {
  const counts = Object.entries(summary.counts).map(([kind, n]) => `${n} ${kind}`).join(', ')
  const fresh = Object.values(summary.inserted).reduce((a, b) => a + b, 0)
  const health = summary.health.length > 0 ? `; ${summary.health.length} health events` : ''
  return `run ${summary.runId}: ${counts} (${fresh === 0 ? 'already recorded' : `${fresh} recorded now`})${health}\n`
}
