import type { Command } from 'commander'
import { z } from 'zod'
import { printUnprinted } from '../../../jobs/report.ts'
import { runExclusively } from '../../../jobs/exclusive.ts'
import { runPipeline, type RunSummary } from '../../../jobs/run.ts'
import { totalChanges } from '../../../domain/change-report.ts'
import { REPORT_FORMATS } from '../../reports/formats.ts'
import { renderReport } from '../../reports/render.ts'
import { useColor } from '../color.ts'
import { CrawlFlags, withCrawlSession } from '../crawl-setup.ts'
import { ExitCode, type ExitCodeValue } from '../exit-codes.ts'
import { parseOptions } from '../options.ts'
import { terminalProgress } from '../progress.ts'
import { withOutbox } from '../outbox.ts'
import { describeDelivery } from '../delivery-line.ts'
import { environment } from '../context.ts'
import { withRunState } from '../run-state.ts'
import type { StateDatabase } from '../state-file.ts'

const Options = CrawlFlags.extend({
  removeAfter: z.coerce.number().int().positive().optional(),
  format: z.enum(REPORT_FORMATS).default('text'),
  color: z.boolean().optional(),
  exitCode: z.boolean().default(false),
  state: z.string().min(1, 'give a file').optional(),
})

type Options = z.infer<typeof Options>

export default async function runAll(raw: unknown, command: Command): Promise<ExitCodeValue | void> {
  const options = parseOptions(Options, raw)
  if (options.state === undefined) return runOnce(command, options, null)
  // what a partial run stored is consistent; a failed run leaves the previous state in place
  return withRunState(options.state, environment(), (state) => runOnce(command, options, state), (code) => code !== ExitCode.failure)
}

async function runOnce(command: Command, options: Options, state: StateDatabase | null): Promise<ExitCodeValue> {
  return withCrawlSession(command, options, async ({ context, sources, settings, deps }) => {
    const line = terminalProgress(context.env)
    const shown = { ...deps, progress: line.progress }
    const removeAfter = options.removeAfter ?? context.loaded.config.diff.removeAfter
    const color = useColor(options.color, process.stdout, context.env.NO_COLOR)
    const { summary, printed } = await withOutbox(context.loaded, (outbox) =>
      runExclusively(shown, context.target, async () => {
        const summary = await runPipeline(shown, sources, settings, { removeAfter }, outbox).finally(line.done)
        if (summary.delivery !== null) process.stderr.write(describeDelivery(summary.delivery))
        // this run's changes and those of any run killed before it printed them: each change once
        const { report } = await printUnprinted(deps, async ({ report }) => flushed(await renderReport(report, options.format, { color })))
        return { summary, printed: totalChanges(report) }
      }),
    )
    return exitCodeOf(summary, printed, options.exitCode)
  }, state ?? undefined)
}

/** Resolves once the text is handed to the output (a pipe or file takes it synchronously on Linux). */
function flushed(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())))
}

/** Failure outranks a partial run, which outranks "changes found" (in what was printed). */
function exitCodeOf(summary: RunSummary, printedChanges: number, changesExit: boolean): ExitCodeValue {
  if (summary.crawl.status === 'failed') return ExitCode.failure
  if (summary.crawl.status === 'partial') return ExitCode.partial
  return changesExit && printedChanges > 0 ? ExitCode.changes : ExitCode.ok
}
