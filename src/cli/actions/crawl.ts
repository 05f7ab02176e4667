import type { Command } from 'commander'
import { z } from 'zod'
import { runExclusively } from '../../../jobs/exclusive.ts'
import { crawlJob, type CrawlSummary, type ListingCrawlSummary } from '../../../jobs/crawl.ts'
import { CrawlFlags, withCrawlSession } from '../crawl-setup.ts'
import { ExitCode, type ExitCodeValue } from '../exit-codes.ts'
import { parseOptions } from '../options.ts'
import { terminalProgress } from '../progress.ts'
import { withOutbox } from '../outbox.ts'
import { registerSubscriptions } from '../../../jobs/deliver.ts'

const Options = CrawlFlags.extend({ json: z.boolean().default(false) })

export default async function crawl(raw: unknown, command: Command): Promise<ExitCodeValue> {
  const options = parseOptions(Options, raw)
  return withCrawlSession(command, options, async ({ context, sources, settings, deps }) => {
    const line = terminalProgress(context.env)
    const shown = { ...deps, progress: line.progress }
    // subscriptions are recorded before the crawl, so that its changes reach them when diffed
    const summary = await withOutbox(context.loaded, (outbox) =>
      runExclusively(shown, context.target, async () => {
        if (outbox !== null) await registerSubscriptions(shown, outbox.subscribers)
        return crawlJob(shown, sources, settings)
      }),
    ).finally(line.done)
    process.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary))
    return exitCodeOf(summary)
  })
}

function exitCodeOf(summary: CrawlSummary): ExitCodeValue {
  if (summary.status === 'complete') return ExitCode.ok
  return summary.status === 'partial' ? ExitCode.partial : ExitCode.failure
}

function formatSummary(summary: CrawlSummary): string {
  const lines = [
    `run ${summary.runId}: ${summary.status} in ${(summary.durationMs / 1000).toFixed(1)} s: ${summary.pagesFetched} pages, ${summary.entriesSeen} entries seen, ${summary.newEntries} new entries, ${summary.versionsCreated} new versions`,
  ]
  for (const listing of summary.listings) {
    lines.push(
      `  ${listing.source}: ${listing.status}, ${listing.pages} pages, ${listing.entries} entries, ${listing.newEntries} new, ${listing.versionsCreated} versions${listing.reason ? ` (${listing.reason})` : ''}${fullCrawlNote(listing)}`,
    )
  }
  return `${lines.join('\n')}\n`
}

/** For an incremental crawl: when the listing was last read in full, since when its deeper pages wait. */
function fullCrawlNote(listing: ListingCrawlSummary): string {
  if (listing.mode !== 'incremental') return ''
  return `; last full crawl ${listing.lastFullAt === null ? 'never' : listing.lastFullAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}
