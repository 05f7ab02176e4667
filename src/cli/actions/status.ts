import type { Command } from 'commander'
import { z } from 'zod'
import { loadStatus } from '../../../jobs/status.ts'
import { renderStatusJson, renderStatusText } from '../../reports/status.ts'
import { openReadOnlyContext } from '../context.ts'
import { parseOptions } from '../options.ts'

const Options = z.object({
  json: z.boolean().default(false),
  limit: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(0).max(100_000),
})

export default async function status(raw: unknown, command: Command): Promise<void> {
  const options = parseOptions(Options, raw)
  const context = await openReadOnlyContext(command)
  try {
    const watch = await loadStatus(context.db, { awaitingLimit: options.limit, now: new Date() })
    const { config } = context.loaded
    process.stdout.write(
      options.json ? renderStatusJson(watch) : renderStatusText(watch, { removeAfter: config.diff.removeAfter, configured: config.sources.map((source) => source.name) }),
    )
  } finally {
    await context.close()
  }
}
