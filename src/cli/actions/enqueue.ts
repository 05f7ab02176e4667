import type { Command } from 'commander'
import { z } from 'zod'
import { registerSubscriptions } from '../../../jobs/deliver.ts'
import { enqueueRun } from '../../../jobs/enqueue-run.ts'
import { selectSources } from '../crawl-setup.ts'
import { loadCliConfig } from '../config-file.ts'
import { databaseTarget, environment, openCliContext } from '../context.ts'
import { ExitCode, type ExitCodeValue } from '../exit-codes.ts'
import { openJobQueue, queueDatabaseUrl } from '../job-queue.ts'
import { parseOptions } from '../options.ts'
import { withOutbox } from '../outbox.ts'

const Options = z.object({
  source: z.array(z.string()).optional(),
  full: z.boolean().default(false),
})

export default async function enqueue(raw: unknown, command: Command): Promise<ExitCodeValue> {
  const options = parseOptions(Options, raw)
  const loaded = loadCliConfig(command)
  const sources = selectSources(loaded.config, options.source, undefined)
  // before opening the database: on PGlite, say that it needs PostgreSQL rather than what PGlite lacks
  queueDatabaseUrl(databaseTarget(loaded, environment()), 'eurowatch enqueue')
  const context = await openCliContext(command, loaded)
  try {
    const boss = await openJobQueue(context, 'enqueue', { migrate: true, supervise: false })
    try {
      const deps = { db: context.db, now: () => new Date(), log: context.log }
      // the subscriptions as this configuration says: a run's deliveries are recorded by its diff, in a worker
      await withOutbox(context.loaded, async (outbox) => {
        if (outbox !== null) await registerSubscriptions(deps, outbox.subscribers)
      })
      const queued = await enqueueRun(deps, boss, sources, options.full)
      if ('busyWith' in queued) {
        process.stderr.write(`eurowatch: run ${queued.busyWith} is still being crawled by the workers: nothing queued\n`)
        return ExitCode.partial
      }
      process.stdout.write(`run ${queued.runId}: ${queued.listings} listing${queued.listings === 1 ? '' : 's'} queued\n`)
      return ExitCode.ok
    } finally {
      await boss.stop({ graceful: false, wait: true })
    }
  } finally {
    await context.close()
  }
}
