import type { Command } from 'commander'
import { z } from 'zod'
import { OriginMap } from '../../../crawlers/origin-map.ts'
import { startCrawlWorker, type RunningWorker } from '../../../jobs/crawl-worker.ts'
import { registerSubscriptions } from '../../../jobs/deliver.ts'
import { crawlSettings, selectSources } from '../crawl-setup.ts'
import { loadCliConfig } from '../config-file.ts'
import { openCurrentContext } from '../context.ts'
import { openJobQueue, queueDatabaseUrl } from '../job-queue.ts'
import { parseOptions } from '../options.ts'
import { stopRequested } from '../stop-signal.ts'
import { withOutbox } from '../outbox.ts'

const Options = z.object({
  concurrency: z.coerce.number({ error: 'must be a whole number from 1 to 32' }).int('must be a whole number from 1 to 32').min(1, 'must be a whole number from 1 to 32').max(32, 'must be a whole number from 1 to 32'),
  pollSeconds: z.coerce.number({ error: 'must be a number of seconds (0.5 or more)' }).min(0.5, 'must be a number of seconds (0.5 or more)').max(60, 'at most 60 seconds'),
})

export default async function worker(raw: unknown, command: Command): Promise<void> {
  const options = parseOptions(Options, raw)
  // a SIGTERM while it starts (a service stopped at once) ends it as cleanly as one while it works
  let stopAsked = false
  const stopping = stopRequested().then(() => {
    stopAsked = true
  })
  const loaded = loadCliConfig(command)
  const sources = selectSources(loaded.config, undefined, undefined)
  queueDatabaseUrl(loaded, 'eurowatch worker')
  const context = await openCurrentContext(command, loaded)
  try {
    const boss = await openJobQueue(context, 'worker', { migrate: false, supervise: true })
    let running: RunningWorker | null = null
    await withOutbox(context.loaded, async (outbox) => {
      const { config } = context.loaded
      const deps = { db: context.db, now: () => new Date(), log: context.log }
      if (outbox !== null) await registerSubscriptions(deps, outbox.subscribers)
      const setup = { target: context.target, sources, settings: crawlSettings(config, new OriginMap(), context.env), diff: { removeAfter: config.diff.removeAfter }, outbox }
      if (stopAsked) return
      running = await startCrawlWorker(deps, boss, setup, {
        concurrency: options.concurrency,
        hostLeaseSeconds: config.workers.hostLeaseSeconds,
        shutdownSeconds: config.workers.shutdownSeconds,
        pollSeconds: options.pollSeconds,
      })
      process.stderr.write(`eurowatch: worker ${running.id} taking crawl jobs (${options.concurrency} at a time); stop with Ctrl-C\n`)
      await stopping
      process.stderr.write(`eurowatch: stopping: the jobs in hand get ${config.workers.shutdownSeconds} s to finish\n`)
      await running.stop()
    }).finally(async () => {
      if (running === null) await boss.stop({ graceful: false, wait: true })
    })
  } finally {
    await context.close()
  }
}
