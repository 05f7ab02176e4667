import { Command, Option } from 'commander'
import { z } from 'zod'
import { loadReport } from '../../../jobs/report.ts'
import { runExclusively } from '../../../jobs/exclusive.ts'
import { runPipeline, type RunSummary } from '../../../jobs/run.ts'
import { REPORT_FORMATS, renderReport } from '../../reports/render.ts'
import { action } from '../action.ts'
import { useColor } from '../color.ts'
import { CrawlFlags, withCrawlFlags, withCrawlSession } from '../crawl-setup.ts'
import { ExitCode, type ExitCodeValue } from '../exit-codes.ts'
import { parseOptions } from '../options.ts'
import { terminalProgress } from '../progress.ts'

const Options = CrawlFlags.extend({
  removeAfter: z.coerce.number().int().positive().optional(),
  format: z.enum(REPORT_FORMATS).default('text'),
  color: z.boolean().optional(),
  exitCode: z.boolean().default(false),
})

export const runCommand = withCrawlFlags(
  new Command('run').description('the whole job: crawl the configured listings, record what changed, print the report of this run'),
)
  .option('--remove-after <n>', 'complete crawls an entry must be absent from before it is reported removed (default: the configuration, 2)')
  .addOption(new Option('--format <format>', 'report format (see `eurowatch report --help`)').choices(REPORT_FORMATS).default('text'))
  .option('--color', 'colour the text report (default: only on a terminal, unless NO_COLOR is set)')
  .option('--no-color', 'never colour the text report')
  .option('--exit-code', 'exit with 1 when something changed (as git diff --exit-code)')
  .action(
    action(async (raw: unknown, command: Command) => {
      const options = parseOptions(Options, raw)
      return withCrawlSession(command, options, async ({ context, sources, settings, deps }) => {
        const line = terminalProgress(context.env)
        const shown = { ...deps, progress: line.progress }
        const removeAfter = options.removeAfter ?? context.loaded.config.diff.removeAfter
        const summary = await runExclusively(shown, context.target, () => runPipeline(shown, sources, settings, { removeAfter })).finally(line.done)
        const { report } = await loadReport(deps, { runIds: summary.diffs.map((diff) => diff.runId) })
        const color = useColor(options.color, process.stdout, context.env.NO_COLOR)
        process.stdout.write(renderReport(report, options.format, { color }))
        return exitCodeOf(summary, options.exitCode)
      })
    }),
  )

/** Failure outranks a partial run, which outranks "changes found". */
function exitCodeOf(summary: RunSummary, changesExit: boolean): ExitCodeValue {
  if (summary.crawl.status === 'failed') return ExitCode.failure
  if (summary.crawl.status === 'partial') return ExitCode.partial
  return changesExit && summary.changes > 0 ? ExitCode.changes : ExitCode.ok
}
