import type { Command } from 'commander'
import { z } from 'zod'
import { UserError } from '../../domain/errors.ts'
import { resolveProfile } from '../../parsers/index.ts'
import { replicaHosts } from '../config/defaults.ts'
import type { Config } from '../config/schema.ts'
import { OriginMap } from '../../crawlers/origin-map.ts'
import type { CrawlJobSettings, CrawlSource, JobDeps } from '../../jobs/crawl.ts'
import type { DetailPageSettings } from '../../jobs/detail-pages.ts'
import { DEFAULT_FULL_CRAWL, type FullCrawlCadence } from '../../domain/incremental.ts'
import { loadCliConfig } from './config-file.ts'
import { openCliContext, type CliContext } from './context.ts'
import type { Environment } from '../config/environment.ts'
import type { Replica } from '../../replica/index.ts'
import type { StateDatabase } from './state-file.ts'

/** The flags every crawling verb takes (crawl, run). */
export const CrawlFlags = z.object({
  offline: z.boolean().default(false),
  // its upper bound is the replica's, checked once the replica is loaded (only with --offline)
  step: z.coerce.number({ error: 'must be a step number' }).int().min(0).default(0),
  source: z.array(z.string()).optional(),
  maxPages: z.coerce.number({ error: 'must be a positive whole number' }).int('must be a positive whole number').positive('must be a positive whole number').optional(),
  full: z.boolean().default(false),
})

/** The configured listings to crawl, all or those named; each with its profile resolved. */
export function selectSources(config: Config, names: string[] | undefined, maxPages: number | undefined): CrawlSource[] {
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
        allowedHosts: source.allowedHosts ?? [],
        fullCrawl: fullCrawlOf(source.fullCrawl, config.fullCrawl),
      }
    })
}

/** The listing's own cadence over the configuration's, key by key; neither set: DEFAULT_FULL_CRAWL. */
function fullCrawlOf(own: Config['fullCrawl'] | undefined, configured: Config['fullCrawl']): FullCrawlCadence {
  const everyRuns = own?.everyRuns ?? configured.everyRuns
  const olderThanHours = own?.olderThanHours ?? configured.olderThanHours
  if (everyRuns === undefined && olderThanHours === undefined) return DEFAULT_FULL_CRAWL
  return { everyRuns: everyRuns ?? null, olderThanHours: olderThanHours ?? null }
}

export function crawlSettings(config: Config, origins: OriginMap, env: Environment): CrawlJobSettings & DetailPageSettings {
  const { politeness } = config
  return {
    ...politeness,
    // the replica is our own loopback server: no need to pace requests to it
    perHostDelaySeconds: origins.isEmpty() ? politeness.perHostDelaySeconds : 0,
    origins,
    // sources with render: browser run in Chromium: CHROMIUM_PATH wins over the configuration; with
    // neither, one is looked for on the shell's PATH (not ours to validate: any string lists directories)
    browser: { ...config.browser, executablePath: env.CHROMIUM_PATH ?? config.browser.executablePath, searchPath: env.PATH },
  }
}

export interface CrawlSession {
  context: CliContext
  sources: CrawlSource[]
  settings: CrawlJobSettings & DetailPageSettings
  deps: JobDeps
}

/**
 * What every crawling verb does around its job: configuration, database (a state file's, with
 * `state`), the offline replica when asked, the sources and settings; everything closed after
 * `work`, also when it throws.
 */
export async function withCrawlSession<T>(command: Command, flags: z.infer<typeof CrawlFlags>, work: (session: CrawlSession) => Promise<T>, state?: StateDatabase): Promise<T> {
  // every flag checked before anything is opened or created
  const loaded = loadCliConfig(command)
  const sources = selectSources(loaded.config, flags.source, flags.maxPages)
  const replicaModule = flags.offline ? await loadReplica(flags.step) : null
  const context = await openCliContext(command, loaded, state)
  try {
    const { origins, replica } = await offlineOrigins(replicaModule, flags.step)
    try {
      const { config } = context.loaded
      const settings = { ...crawlSettings(config, origins, context.env), full: flags.full }
      return await work({ context, sources, settings, deps: { db: context.db, now: () => new Date(), log: context.log } })
    } finally {
      await replica?.close()
    }
  } finally {
    await context.close()
  }
}

type ReplicaModule = typeof import('../../replica/index.ts')

/** The replica, loaded only for --offline; the step checked against its timeline before anything is opened. */
async function loadReplica(step: number): Promise<ReplicaModule> {
  const replica = await import('../../replica/index.ts')
  const last = replica.legacyTimeline.length - 1
  if (step > last) throw new UserError(`--step: the replica's timeline has steps 0-${last}`)
  return replica
}

/** With --offline: the bundled replica on a free loopback port, and the site's hosts sent to it. */
async function offlineOrigins(replicaModule: ReplicaModule | null, step: number): Promise<{ origins: OriginMap; replica: Replica | null }> {
  if (!replicaModule) return { origins: new OriginMap(), replica: null }
  const replica = await replicaModule.startReplica({ port: 0, step })
  return { origins: new OriginMap(replicaHosts, replica.origin), replica }
}
