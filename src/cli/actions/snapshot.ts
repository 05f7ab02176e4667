import type { Command } from 'commander'
import { z } from 'zod'
import type { SnapshotGap } from '../../../domain/archive.ts'
import { UserError } from '../../../domain/errors.ts'
import { loadSnapshot } from '../../../jobs/snapshot.ts'
import { SNAPSHOT_FORMATS } from '../../reports/archive-formats.ts'
import { formatTime } from '../../reports/fields.ts'
import { renderSnapshot } from '../../reports/render-snapshot.ts'
import { openReadOnlyContext } from '../context.ts'
import { dateFlag } from '../dates.ts'
import { parseOptions } from '../options.ts'

const Options = z.object({
  asOf: dateFlag('end'),
  format: z.enum(SNAPSHOT_FORMATS).default('text'),
})

export default async function printSnapshot(listing: string, raw: unknown, command: Command): Promise<void> {
  const options = parseOptions(Options, raw)
  const context = await openReadOnlyContext(command)
  try {
    const result = await loadSnapshot(context.db, { listing, asOf: options.asOf.at, asOfText: options.asOf.text })
    if (result.kind !== 'snapshot') throw gapError(listing, options.asOf.text, result)
    process.stdout.write(renderSnapshot(result.snapshot, options.format))
  } finally {
    await context.close()
  }
}

/** Nothing to show, said plainly: exit 2, as for any flag that asks for what is not there. */
function gapError(listing: string, asOf: string, gap: SnapshotGap): UserError {
  switch (gap.kind) {
    case 'unknown-listing':
      return new UserError(
        `no listing named "${listing}" in the database`,
        gap.known.length === 0 ? 'nothing has been crawled yet: run `eurowatch crawl` first' : `its listings: ${gap.known.join(', ')}`,
      )
    case 'before-first-crawl':
      return gap.firstCrawlAt === null
        ? new UserError(`nothing to show: ${listing} has never been crawled`)
        : new UserError(`nothing to show: ${listing} was first crawled at ${formatTime(gap.firstCrawlAt)}, after ${asOf}`)
    case 'no-complete-crawl': {
      const { latest } = gap
      const reason = latest.reason === null ? '' : `: ${latest.reason.split('\n', 1)[0]}`
      const state = latest.status === 'running' ? 'was still running then' : `was ${latest.status}${reason}`
      return new UserError(
        `nothing to show: no crawl of ${listing} was complete by ${asOf} (${gap.crawls} started by then; the last, run ${latest.runId}, ${state})`,
        gap.nextCompleteAt === null ? 'no complete crawl of it has been recorded yet' : `the first complete crawl after it finished at ${formatTime(gap.nextCompleteAt)}`,
      )
    }
  }
}
