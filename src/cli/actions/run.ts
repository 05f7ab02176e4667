import type { Command } from 'commander'
import { z } from 'zod'
import { loadReport } from '../../../jobs/report.ts'
import { runExclusively } from '../../../jobs/exclusive.ts'
import { runPipeline, type RunSummary } from '../../../jobs/run.ts'
import { REPORT_FORMATS } from '../../reports/formats.ts'
import { renderReport } from '../../reports/render.ts'
import { useColor } from '../color.ts'
import { CrawlFlags, withCrawlSession } from '../crawl-setup.ts'
import { ExitCode, type ExitCodeValue } from '../exit-codes.ts'
import { parseOptions } from '../options.ts'
import { terminalProgress } from '../progress.ts'
import { withOutbox } from '../outbox.ts'
import { describeDelivery } from '../delivery-line.ts'

const Options = CrawlFlags.extend({
  removeAfter: z.coerce.number().int().positive().optional(),
  format: z.enum(REPORT_FORMATS).default('text'),
  color: z.boolean().optional(),
  exitCode: z.boolean().default(false),
})

export default async function runAll(raw: unknown, command: Command): Promise<ExitCodeValue | void> {
  const options = parseOptions(Options, raw)
  return withCrawlSession(command, options, async ({ context, sources, settings, deps }) => {
    const line = terminalProgress(context.env)
    const shown = { ...deps, progress: line.progress }
    const removeAfter = options.removeAfter ?? context.loaded.config.diff.removeAfter
    const summary = await withOutbox(context.loaded, (outbox) =>
      runExclusively(shown, context.target, () => runPipeline(shown, sources, settings, { removeAfter }, outbox)),
    ).finally(line.done)
    if (summary.delivery !== null) process.stderr.write(describeDelivery(summary.delivery))
    const { report } = await loadReport(deps, { runIds: summary.diffs.map((diff) => diff.runId) })
    const color = useColor(options.color, process.stdout, context.env.NO_COLOR)
    process.stdout.write(renderReport(report, options.format, { color }))
    return exitCodeOf(summary, options.exitCode)
  })
}

/** Failure outranks a partial run, which outranks "changes found". */
function exitCodeOf(summary: RunSummary, changesExit: boolean): ExitCodeValue {
  if (summary.crawl.status === 'failed') return ExitCode.failure
  if (summary.crawl.status === 'partial') return ExitCode.partial
  return changesExit && summary.changes > 0 ? ExitCode.changes : ExitCode.ok
}
