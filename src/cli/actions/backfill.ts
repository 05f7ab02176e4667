import type { Command } from 'commander'
import { z } from 'zod'
import { WaybackArchive } from '../../../crawlers/wayback.ts'
import { UserError } from '../../../domain/errors.ts'
import { backfillListings, type BackfillSource, type BackfillSummary } from '../../../jobs/backfill.ts'
import { runExclusively } from '../../../jobs/exclusive.ts'
import { resolveProfile } from '../../../parsers/index.ts'
import { loadCliConfig } from '../config-file.ts'
import { openCliContext } from '../context.ts'
import { utcDayFlag } from '../dates.ts'
import { ExitCode, type ExitCodeValue } from '../exit-codes.ts'
import { parseOptions } from '../options.ts'

const Options = z.object({
  from: z.literal('wayback'),
  fromDate: utcDayFlag().optional(),
  toDate: utcDayFlag().optional(),
  offline: z.boolean().default(false),
  format: z.enum(['text', 'json']).default('text'),
})

export default async function runBackfill(names: string[], raw: unknown, command: Command): Promise<ExitCodeValue> {
  const options = parseOptions(Options, raw)
  if (options.fromDate !== undefined && options.toDate !== undefined && options.fromDate > options.toDate) throw new UserError(`--from-date ${options.fromDate} is after --to-date ${options.toDate}`)
  const loaded = loadCliConfig(command)
  const { config } = loaded
  const sources: BackfillSource[] = [...new Set(names)].map((name) => {
    const configured = config.sources.find((source) => source.name === name)
    if (configured === undefined) throw new UserError(`no configured listing named "${name}"`, `configured: ${config.sources.map((source) => source.name).join(', ')}`)
    const profile = resolveProfile(configured.profile, configured.selectors)
    return { name, profile, url: configured.url, theme: configured.theme ?? null, maxPages: configured.maxPages ?? config.politeness.maxPagesPerListing }
  })
  const replica = options.offline ? await (await import('../../../replica/index.ts')).startReplica({ port: 0 }) : null
  try {
    const context = await openCliContext(command, loaded)
    try {
      const archive = new WaybackArchive({
        archiveUrl: replica?.origin ?? config.backfill.archiveUrl,
        userAgent: config.politeness.userAgent,
        // the replica is our own loopback server: no need to pace requests to it
        perHostDelaySeconds: replica === null ? config.backfill.perRequestDelaySeconds : 0,
        timeoutSeconds: config.politeness.timeoutSeconds,
        maxResponseBytes: config.politeness.maxResponseBytes,
      })
      const deps = { db: context.db, now: () => new Date(), log: context.log }
      const request = { from: options.fromDate?.replaceAll('-', '') ?? null, to: options.toDate?.replaceAll('-', '') ?? null, windowSeconds: config.backfill.windowHours * 3600 }
      const summary = await runExclusively(deps, context.target, () => backfillListings(deps, archive, sources, request))
      process.stdout.write(options.format === 'json' ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary))
      // the archive down or its index endless: said once on stderr too, as a cron job's mail shows it
      const [unlisted] = summary.unlisted
      if (unlisted !== undefined) process.stderr.write(`eurowatch: backfill of ${summary.unlisted.map((item) => item.listing).join(', ')} failed: ${unlisted.reason}\n`)
      // moments older than a listing's own history are refused, not silently dropped
      const refused = summary.moments.filter((moment) => moment.status === 'older-than-history')
      if (refused.length > 0) {
        const listings = [...new Set(refused.map((moment) => moment.listing))]
        process.stderr.write(`eurowatch: ${refused.length} moment${refused.length === 1 ? ' is' : 's are'} older than the history of ${listings.join(', ')} and ${refused.length === 1 ? 'was' : 'were'} not added (backfill a listing before its first crawl, all its dates at once; a listing's history extends forward only)\n`)
        return ExitCode.userError
      }
      return summary.moments.some((moment) => moment.status === 'partial' || moment.status === 'failed') ? ExitCode.partial : ExitCode.ok
    } finally {
      await context.close()
    }
  } finally {
    await replica?.close()
  }
}

function minute(at: Date): string {
  return at.toISOString().replace('T', ' ').slice(0, 16)
}

function formatSummary(summary: BackfillSummary): string {
  const several = summary.listings.length > 1
  const lines = [`backfill of ${summary.listings.join(', ')}: ${summary.captures} captures in the archive's index, ${summary.fetched} fetched, ${summary.reused} already stored`]
  for (const moment of summary.moments) {
    const at = minute(moment.at)
    const run = moment.runId === null ? '' : ` (run ${moment.runId})`
    const counts = moment.runId === null ? '' : `, ${moment.pages} pages, ${moment.entries} entries, ${moment.versionsCreated} versions`
    const unchanged = moment.unchanged.map((page) => `; page ${page.page} unchanged since ${minute(page.since)} UTC`).join('')
    lines.push(`  ${at} UTC${several ? ` ${moment.listing}` : ''}: ${moment.status}${run}${counts}${unchanged}${moment.reason === null ? '' : `: ${moment.reason}`}`)
  }
  if (summary.moments.length === 0) lines.push('  no captures')
  return `${lines.join('\n')}\n`
}
