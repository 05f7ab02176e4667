import type { Command } from 'commander'
import { z } from 'zod'
import { latestRunId } from '../../../db/report-queries.ts'
import { loadReport, type ReportRequest } from '../../../jobs/report.ts'
import { UserError } from '../../../domain/errors.ts'
import { REPORT_FORMATS } from '../../reports/formats.ts'
import { renderReport } from '../../reports/render.ts'
import { useColor } from '../color.ts'
import { openReadOnlyContext } from '../context.ts'
import { dateFlag } from '../dates.ts'
import { parseOptions } from '../options.ts'

/** `YYYY-MM-DD` (midnight in the site's zone, unless the datetime carries its own offset) or an ISO datetime. */
const Since = dateFlag('start').transform(({ at, text }) => ({ since: at, sinceText: text }))

const Options = z.object({
  run: z.array(z.coerce.number({ error: 'must be a run id (a positive whole number)' }).int('must be a whole number').positive('must be positive')).optional(),
  since: Since.optional(),
  format: z.enum(REPORT_FORMATS).default('text'),
  color: z.boolean().optional(),
})

export default async function printReport(raw: unknown, command: Command): Promise<void> {
  const options = parseOptions(Options, raw)
  if (options.run !== undefined && options.since !== undefined) throw new UserError('--run and --since: give one or the other')
  const context = await openReadOnlyContext(command)
  try {
    const request = options.since ?? { runIds: options.run ?? (await defaultRun(context.db)) }
    const { report, runs, missingRunIds } = await loadReport({ db: context.db, now: () => new Date() }, request satisfies ReportRequest)
    if (missingRunIds.length > 0) throw new UserError(`--run: no run with id ${missingRunIds.join(', ')}`)
    for (const run of runs.filter((r) => r.diffedAt === null)) {
      process.stderr.write(`eurowatch: run ${run.id} has not been diffed yet: its changes are missing (run \`eurowatch diff --run ${run.id}\`)\n`)
    }
    const color = useColor(options.color, process.stdout, context.env.NO_COLOR)
    process.stdout.write(await renderReport(report, options.format, { color }))
  } finally {
    await context.close()
  }
}

async function defaultRun(db: Parameters<typeof latestRunId>[0]): Promise<number[]> {
  const latest = await latestRunId(db)
  if (latest === null) throw new UserError('no runs recorded yet', 'run `eurowatch crawl` (or `eurowatch run`) first')
  return [latest]
}
