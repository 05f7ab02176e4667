import { Command } from 'commander'
import { z } from 'zod'
import { runExclusively } from '../../../jobs/exclusive.ts'
import { runPipeline, type RunSummary } from '../../../jobs/run.ts'
import { scheduleRuns } from '../../../jobs/schedule.ts'
import { action } from '../action.ts'
import { CrawlFlags, withCrawlFlags, withCrawlSession } from '../crawl-setup.ts'
import { parseOptions } from '../options.ts'

const Options = CrawlFlags.extend({
  cron: z.string().min(1),
  timezone: z.string().min(1).default('Europe/Brussels'),
  maxRuns: z.coerce.number({ error: 'must be a positive whole number' }).int().positive().optional(),
  removeAfter: z.coerce.number().int().positive().optional(),
})

export const scheduleCommand = withCrawlFlags(
  new Command('schedule').description('stay running and do the whole job (crawl, diff) on a cron schedule; one summary line per run'),
)
  .requiredOption('--cron <expression>', 'when to run, e.g. "17 * * * *" (every hour at :17); a sixth leading field counts seconds')
  .option('--timezone <zone>', 'time zone of the schedule', 'Europe/Brussels')
  .option('--max-runs <n>', 'stop after this many runs (default: until SIGINT/SIGTERM)')
  .option('--remove-after <n>', 'complete crawls an entry must be absent from before it is reported removed (default: the configuration, 2)')
  .action(
    action(async (raw: unknown, command: Command) => {
      const options = parseOptions(Options, raw)
      await withCrawlSession(command, options, async ({ context, sources, settings, deps }) => {
        const removeAfter = options.removeAfter ?? context.loaded.config.diff.removeAfter
        const runs = scheduleRuns(
          { cron: options.cron, timeZone: options.timezone, maxRuns: options.maxRuns ?? null },
          () => runExclusively(deps, context.target, () => runPipeline(deps, sources, settings, { removeAfter })),
          (summary) => process.stdout.write(describeRun(summary)),
          context.log,
        )
        process.stdout.write(`eurowatch: running "${options.cron}" (${options.timezone}) for ${sources.length} listings; stop with Ctrl-C\n`)
        const stop = () => void runs.stop()
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
        await runs.finished
        process.off('SIGINT', stop)
        process.off('SIGTERM', stop)
      })
    }),
  )

function describeRun(summary: RunSummary): string {
  const counts = summary.diffs.flatMap((diff) => Object.entries(diff.inserted).filter(([, n]) => n > 0).map(([kind, n]) => `${n} ${kind}`))
  return `${new Date().toISOString()} run ${summary.crawl.runId}: ${summary.crawl.status}, ${summary.crawl.pagesFetched} pages; ${counts.join(', ') || 'no changes'}\n`
}
