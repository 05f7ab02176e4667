import { Command } from 'commander'
import { z } from 'zod'
import { UserError } from '../../domain/errors'
import { resolveProfile } from '../../../parsers/index'
import { legacyHosts } from '../../config/defaults'
import type { Config } from '../../config/schema'
import { OriginMap } from '../../../crawlers/origin-map'
import type { CrawlSettings } from '../../../crawlers/http-crawler'
import { runExclusively } from '../../../jobs/exclusive'
import { crawlJob, type CrawlSource, type CrawlSummary } from '../../../jobs/crawl'
import { startReplica, legacyTimeline } from '../../replica/index'
import { action } from '../action'
import { openCliContext } from '../context'
import { ExitCode, type ExitCodeValue } from '../exit-codes'
import { parseOptions } from '../options'

const Options = z.object({
  offline: z.boolean().default(false),
  step: z.coerce.number().int().min(0).max(legacyTimeline.length - 1).default(0),
  source: z.array(z.string()).optional(),
  maxPages: z.coerce.number().int().positive().optional(),
  json: z.boolean().default(false),
})

export const crawlCommand = new Command('crawl')
  .description('crawl every page of the configured listings and store pages, entries, versions and sightings')
  .option('--offline', 'crawl the bundled replica of the EUROCITIES legacy site instead of the network')
  .option('--step <n>', `with --offline: the replica's timeline step (0-${legacyTimeline.length - 1})`, '0')
  .option('--source <name...>', 'crawl only these configured listings (see `eurowatch sources`)')
  .option('--max-pages <n>', 'stop each listing after this many pages')
  .option('--json', 'print the run summary as JSON')
  .action(
    action(async (raw: unknown, command: Command) => {
      const options = parseOptions(Options, raw)
      const context = await openCliContext(command)
      const replica = options.offline ? await startReplica({ port: 0, step: options.step }) : null
      try {
        const { config } = context.loaded
        const sources = selectSources(config, options.source, options.maxPages)
        const settings = {
          ...crawlSettings(config, replica ? new OriginMap(legacyHosts, replica.origin) : new OriginMap()),
          // sources with render: browser run in Chromium: CHROMIUM_PATH wins over the configuration
          browser: { ...config.browser, executablePath: context.env.CHROMIUM_PATH ?? config.browser.executablePath },
        }
        const deps = { db: context.db, now: () => new Date(), log: context.log }
        const summary = await runExclusively(deps, context.target, () => crawlJob(deps, sources, settings))
        process.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary))
        return exitCodeOf(summary)
      } finally {
        await replica?.close()
        await context.close()
      }
    }),
  )

function selectSources(config: Config, names: string[] | undefined, maxPages: number | undefined): CrawlSource[] {
  const known = config.sources.map((source) => source.name)
  const unknown = (names ?? []).filter((name) => !known.includes(name))
  if (unknown.length) throw new UserError(`--source: no configured listing named "${unknown[0]}"`, `configured: ${known.join(', ')}`)
  return config.sources
    .filter((source) => !names || names.includes(source.name))
    .map((source) => {
      const profile = resolveProfile(source.profile, source.selectors)
      return {
        name: source.name,
        profile,
        url: source.url,
        maxPages: maxPages ?? source.maxPages ?? config.politeness.maxPagesPerListing,
        render: source.render ?? profile.render,
        theme: source.theme ?? null,
      }
    })
}

function crawlSettings(config: Config, origins: OriginMap): CrawlSettings {
  const { politeness } = config
  return {
    ...politeness,
    // the replica is our own loopback server: no need to pace requests to it
    perHostDelaySeconds: origins.isEmpty() ? politeness.perHostDelaySeconds : 0,
    origins,
  }
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
      `  ${listing.source}: ${listing.status}, ${listing.pages} pages, ${listing.entries} entries, ${listing.newEntries} new, ${listing.versionsCreated} versions${listing.reason ? ` (${listing.reason})` : ''}`,
    )
  }
  return `${lines.join('\n')}\n`
}
