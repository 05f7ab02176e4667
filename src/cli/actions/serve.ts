import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { z } from 'zod'
import { UserError } from '../../../domain/errors.ts'
import { isTimeZone, SITE_TIME_ZONE } from '../../../domain/site-zone.ts'
import { runExclusively } from '../../../jobs/exclusive.ts'
import { runPipeline } from '../../../jobs/run.ts'
import { checkCronExpression, scheduleDigests, scheduleRuns } from '../../../jobs/schedule.ts'
import { deliverPending, nextTick } from '../../../jobs/deliver.ts'
import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema.ts'
import { recordScheduler } from '../../../db/status-queries.ts'
import { hasWebUsers } from '../../../db/web-access.ts'
import { OriginMap } from '../../../crawlers/origin-map.ts'
import { legacySources, replicaHosts } from '../../config/defaults.ts'
import { ConfigSchema } from '../../config/schema.ts'
import type { LoadedConfig } from '../../config/load.ts'
import { buildWebApp } from '../../web/app.ts'
import type { CrawlStart } from '../../web/context.ts'
import { loadCliConfig } from '../config-file.ts'
import { cliLogger, databaseTarget, environment, openCliContext } from '../context.ts'
import { crawlSettings, selectSources } from '../crawl-setup.ts'
import { withOutbox } from '../outbox.ts'
import { parseOptions } from '../options.ts'
import { stopRequested } from '../stop-signal.ts'
import { openJobQueue, queueDatabaseUrl } from '../job-queue.ts'
import { enqueueRun } from '../../../jobs/enqueue-run.ts'
import { DEMO_DATA_DIR, recordDemo } from './demo.ts'

const Options = z.object({
  host: z.string().min(1),
  port: z.coerce.number({ error: 'must be a port number (0-65535)' }).int('must be a port number (0-65535)').min(0, 'must be a port number (0-65535)').max(65535, 'must be a port number (0-65535)'),
  cron: z.string().min(1).optional(),
  timezone: z.string().min(1).refine(isTimeZone, 'not an IANA time zone (e.g. Europe/Brussels)').default(SITE_TIME_ZONE),
  offline: z.boolean().default(false),
  secureCookies: z.boolean().default(false),
  queue: z.boolean().default(false),
})

export default async function serve(raw: unknown, command: Command): Promise<void> {
  const options = parseOptions(Options, raw)
  if (options.cron !== undefined) checkCronExpression(options.cron)
  if (options.queue && options.cron === undefined) throw new UserError('--queue goes with --cron: it queues the scheduled runs for the workers')
  if (options.queue && options.offline) throw new UserError('--queue: the workers crawl the sites themselves; --offline crawls the bundled replica in this process only', 'drop --offline, or --queue')
  const env = environment()
  const log = cliLogger(command, env)
  const loaded = options.offline ? demoConfig() : loadCliConfig(command)
  if (options.queue) queueDatabaseUrl(loaded, 'eurowatch serve --queue')
  // a database not made yet has no users: refused before it is made
  const target = databaseTarget(loaded, env)
  if (!LOOPBACK.test(options.host) && target.kind === 'pglite' && !existsSync(target.dataDir)) throw openBindRefusal(options.host)
  if (options.offline && !env.DATABASE_URL && !existsSync(resolve(DEMO_DATA_DIR))) {
    process.stderr.write(`eurowatch: no demo data in ${DEMO_DATA_DIR} yet: recording the demo's runs first (about 10 s)\n`)
    await recordDemo(resolve(DEMO_DATA_DIR), () => undefined, log)
  }
  const sources = selectSources(loaded.config, undefined, undefined)
  const replica = options.offline ? await startDemoReplica() : null
  const context = await openCliContext(command, loaded).catch(async (error: unknown) => {
    await replica?.close()
    throw error
  })
  try {
    await withOutbox(context.loaded, async (outbox) => {
      const origins = replica === null ? new OriginMap() : new OriginMap(replicaHosts, replica.origin)
      const settings = crawlSettings(context.loaded.config, origins, context.env)
      const deps = { db: context.db, now: () => new Date(), log }
      const removeAfter = context.loaded.config.diff.removeAfter
      let crawling: Promise<unknown> | null = null
      const runNow = (names: readonly string[] | 'all') =>
        runExclusively(deps, context.target, () => runPipeline(deps, names === 'all' ? sources : sources.filter((source) => names.includes(source.name)), settings, { removeAfter }, outbox))
      const crawlNow = (names: readonly string[] | 'all'): CrawlStart => {
        if (crawling !== null) return { started: false, reason: 'a crawl started here is still running' }
        crawling = runNow(names)
          .catch((error: unknown) => log.error({ error: error instanceof Error ? error.message : String(error) }, 'crawl now failed'))
          .finally(() => {
            crawling = null
          })
        return { started: true }
      }

      const app = await buildWebApp({ db: context.db, now: () => new Date(), secureCookies: options.secureCookies, sources: sources.map((source) => source.name), crawlNow })
      await refuseOpenBind(options.host, context.db)
      const address = await app.listen({ host: options.host, port: options.port }).catch((error: NodeJS.ErrnoException) => {
        throw new UserError(`--host ${options.host} --port ${options.port}: cannot listen (${error.code ?? error.message})`)
      })
      const where = context.target.kind === 'pglite' ? `PGlite in ${context.target.dataDir}` : 'PostgreSQL (DATABASE_URL)'
      process.stdout.write(`eurowatch: serving ${address}/ (${where}); stop with Ctrl-C\n`)

      const schedule = options.cron === undefined ? null : { cron: options.cron, timeZone: options.timezone, maxRuns: null }
      // where the schedule stands, for `eurowatch status`, as `schedule` records it: from the start, then after each run
      const beat = (cron: NonNullable<typeof schedule>) =>
        recordScheduler(context.db, { pid: process.pid, cron: cron.cron, timeZone: cron.timeZone, nextRunAt: nextTick(cron, new Date()), updatedAt: new Date() }).catch((error: unknown) =>
          log.warn({ error: error instanceof Error ? error.message : String(error) }, 'could not record the schedule'),
        )
      // with --queue, a scheduled run is queued for the workers, who crawl, diff and deliver it
      const boss = options.queue ? await openJobQueue(context, 'serve', { migrate: true, supervise: false }) : null
      const runs =
        schedule === null
          ? null
          : boss === null
            ? scheduleRuns(schedule, () => runNow('all'), () => void beat(schedule), log)
            : scheduleRuns(schedule, () => enqueueRun(deps, boss, sources, false), (queued) => void beat(schedule).then(() => log.info(queued, 'scheduled run queued')), log)
      const digests = runs === null || outbox === null ? [] : scheduleDigests(outbox, () => runExclusively(deps, context.target, () => deliverPending(deps, outbox)), log)
      if (schedule !== null) {
        await beat(schedule)
        process.stdout.write(`eurowatch: also running "${schedule.cron}" (${schedule.timeZone}) for ${sources.length} listings\n`)
      }

      await stopRequested()
      await app.close()
      await runs?.stop()
      await boss?.stop({ graceful: false, wait: true })
      await Promise.all(digests.map((digest) => digest.stop()))
      await crawling
      if (schedule !== null) await recordScheduler(context.db, null).catch(() => undefined)
    })
  } finally {
    await context.close()
    await replica?.close()
  }
}

/** The replica as the demo leaves it (its timeline's last step), for crawls from the page or --cron. */
async function startDemoReplica() {
  const { startReplica, legacyTimeline } = await import('../../../replica/index.ts')
  return startReplica({ port: 0, step: legacyTimeline.length - 1 })
}

/** The demo's listings and database (`npm run demo`), for `serve --offline`. */
function demoConfig(): LoadedConfig {
  return { file: null, baseDir: process.cwd(), config: ConfigSchema.parse({ sources: legacySources, database: { dataDir: DEMO_DATA_DIR } }) }
}

const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|::1|\[::1\]|localhost)$/i

/** Anyone who can reach the port could read and act: beyond loopback only once users must sign in. */
async function refuseOpenBind(host: string, db: Kysely<Database>): Promise<void> {
  if (LOOPBACK.test(host) || (await hasWebUsers(db))) return
  throw openBindRefusal(host)
}

function openBindRefusal(host: string): UserError {
  return new UserError(`--host ${host}: serving beyond loopback needs sign-in; add a user first (eurowatch user add NAME --role admin)`)
}
