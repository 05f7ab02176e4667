import { basename } from 'node:path'
import type { Command } from 'commander'
import { z } from 'zod'
import { UserError } from '../../../domain/errors.ts'
import { resolveScope } from '../../../jobs/export.ts'
import { listingNames } from '../../../db/snapshot.ts'
import { EXPORT_FORMATS } from '../../reports/archive-formats.ts'
import { ExportInterrupted, writeExport } from '../archive-export.ts'
import { ExitCode, type ExitCodeValue } from '../exit-codes.ts'
import { openReadOnlyContext } from '../context.ts'
import { dateFlag, type DateFlag } from '../dates.ts'
import { checkOutputTarget, openOutput } from '../output-file.ts'
import { parseOptions } from '../options.ts'
import { requireWholeOutput } from '../standard-output.ts'

const Options = z.object({
  format: z.enum(EXPORT_FORMATS),
  since: dateFlag('start').optional(),
  until: dateFlag('end').optional(),
  listing: z.string().trim().min(1, 'must name a listing').optional(),
  output: z.string().min(1, 'must name a file').optional(),
})

type ExportOptions = z.infer<typeof Options>

export default async function runExport(raw: unknown, command: Command): Promise<ExitCodeValue> {
  const options = parseOptions(Options, raw)
  if (options.since !== undefined && options.until !== undefined && options.since.at > options.until.at) throw new UserError(`--since ${options.since.text} is after --until ${options.until.text}`)
  // a target that must not be replaced is refused before the database is opened
  if (options.output === undefined) requireWholeOutput('the export')
  else await checkOutputTarget(options.output)
  const context = await openReadOnlyContext(command)
  try {
    // without --until, the archive as it stood when the export began: a crawl running meanwhile adds nothing half-way
    const started = new Date()
    const until = options.until ?? { at: started, text: started.toISOString() }
    const scope = await resolveScope(context.db, { since: options.since?.at ?? null, until: until.at, listing: options.listing ?? null })
    if (scope === null) throw new UserError(`--listing: no listing named "${options.listing}" in the database`, `its listings: ${(await listingNames(context.db)).join(', ') || 'none yet'}`)
    // SIGINT and SIGTERM stop the export between two records and remove what it wrote
    const interruption = new AbortController()
    const interrupt = () => interruption.abort()
    process.once('SIGINT', interrupt)
    process.once('SIGTERM', interrupt)
    try {
      const output = await openOutput(options.output ?? null)
      try {
        const warc = { gzip: options.output?.endsWith('.gz') ?? false, filename: options.output === undefined ? null : basename(options.output), info: describeScope(options, until) }
        const counts = await writeExport(context.db, options.format, scope, output, { warc, signal: interruption.signal })
        await output.commit()
        const what =
          options.format === 'warc'
            ? `${counts.items} page fetches (${counts.detail} of them revisits of a body written before)`
            : `${counts.items} entries with ${counts.detail} versions`
        process.stderr.write(`eurowatch: exported ${what}, ${megabytes(output.bytes())}, to ${options.output ?? 'standard output'}\n`)
        return ExitCode.ok
      } catch (error) {
        await output.abort()
        if (!(error instanceof ExportInterrupted)) throw error
        process.stderr.write(`eurowatch: export interrupted; ${options.output === undefined ? 'the output is incomplete' : `nothing written to ${options.output}`}\n`)
        return ExitCode.failure
      }
    } finally {
      process.off('SIGINT', interrupt)
      process.off('SIGTERM', interrupt)
    }
  } finally {
    await context.close()
  }
}

/** What the file holds, for its warcinfo record. */
function describeScope(options: ExportOptions, until: DateFlag): Record<string, string> {
  const parts = [`page fetches stored ${options.since === undefined ? 'up to' : `from ${options.since.text} to`} ${until.text}`]
  if (options.listing !== undefined) parts.push(`listing ${options.listing}`)
  return { description: `eurowatch export: ${parts.join(', ')}` }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`
}
