import type { Command } from 'commander'
import { z } from 'zod'
import { UserError } from '../../../domain/errors.ts'
import { runExclusively } from '../../../jobs/exclusive.ts'
import { reparse, type ReparseSource } from '../../../jobs/reparse.ts'
import { resolveProfile } from '../../../parsers/index.ts'
import type { Config } from '../../config/schema.ts'
import { renderReparseJson, renderReparseText } from '../../reports/reparse.ts'
import { loadCliConfig } from '../config-file.ts'
import { openCliContext, openReadOnlyContext } from '../context.ts'
import { dateFlag } from '../dates.ts'
import { parseOptions } from '../options.ts'

const Options = z.object({
  run: z.coerce.number({ error: 'must be a run id' }).int('must be a run id').positive('must be a run id').optional(),
  since: dateFlag('start').optional(),
  listing: z.string().trim().min(1, 'must name a listing').optional(),
  apply: z.boolean().default(false),
  format: z.enum(['text', 'json']).default('text'),
})

export default async function runReparse(raw: unknown, command: Command): Promise<void> {
  const options = parseOptions(Options, raw)
  if (options.run !== undefined && options.since !== undefined) throw new UserError('--run and --since: give one of them, not both')
  const loaded = loadCliConfig(command)
  const sources = reparseSources(loaded.config, options.listing)
  // a dry run only reads; --apply writes under the run lock, so no crawl stores versions meanwhile
  const context = options.apply ? await openCliContext(command, loaded) : await openReadOnlyContext(command, loaded)
  try {
    const deps = { db: context.db, now: () => new Date(), log: context.log }
    const request = { runId: options.run ?? null, since: options.since?.at ?? null, listing: options.listing ?? null, apply: options.apply }
    const summary = options.apply ? await runExclusively(deps, context.target, () => reparse(deps, sources, request)) : await reparse(deps, sources, request)
    process.stdout.write(options.format === 'json' ? renderReparseJson(summary) : renderReparseText(summary))
  } finally {
    await context.close()
  }
}

/** The configured listings, each with its profile as it reads today. */
function reparseSources(config: Config, listing: string | undefined): ReparseSource[] {
  if (listing !== undefined && !config.sources.some((source) => source.name === listing)) {
    throw new UserError(`--listing: no configured listing named "${listing}"`, `configured: ${config.sources.map((source) => source.name).join(', ')}`)
  }
  return config.sources.map((source) => ({ name: source.name, profile: resolveProfile(source.profile, source.selectors), theme: source.theme ?? null }))
}
