import type { Command } from 'commander'
import { z } from 'zod'
import { isTimeZone, SITE_TIME_ZONE } from '../../../domain/site-zone.ts'
import { runExclusively } from '../../../jobs/exclusive.ts'
import { runPipeline, type RunSummary } from '../../../jobs/run.ts'
import { checkCronExpression, scheduleRuns } from '../../../jobs/schedule.ts'
import { CrawlFlags, withCrawlSession } from '../crawl-setup.ts'
import { parseOptions } from '../options.ts'

const Options = CrawlFlags.extend({
  cron: z.string().min(1),
  timezone: z.string().min(1).refine(isTimeZone, 'not an IANA time zone (e.g. Europe/Brussels)').default(SITE_TIME_ZONE),
  maxRuns: z.coerce.number({ error: 'must be a positive whole number' }).int().positive().optional(),
  removeAfter: z.coerce.number().int().positive().optional(),
})

export default async function schedule(raw: unknown, command: Command): Promise<void> {
  const options = parseOptions(Options, raw)
  // every flag checked before anything is opened or created
  checkCronExpression(options.cron)
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
}

function describeRun(summary: RunSummary): string {
  const counts = summary.diffs.flatMap((diff) => Object.entries(diff.inserted).filter(([, n]) => n > 0).map(([kind, n]) => `${n} ${kind}`))
  return `${new Date().toISOString()} run ${summary.crawl.runId}: ${summary.crawl.status}, ${summary.crawl.pagesFetched} pages; ${counts.join(', ') || 'no changes'}\n`
}
