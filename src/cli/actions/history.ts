import type { Command } from 'commander'
import { z } from 'zod'
import { entryHistory } from '../../../db/entry-history.ts'
import { UserError } from '../../../domain/errors.ts'
import { renderHistoryJson, renderHistoryText } from '../../reports/history.ts'
import { useColor } from '../color.ts'
import { openReadOnlyContext } from '../context.ts'
import { dateFlag } from '../dates.ts'
import { parseOptions } from '../options.ts'

const Options = z.object({
  asOf: dateFlag('end').optional(),
  format: z.enum(['text', 'json']).default('text'),
  color: z.boolean().optional(),
})

export default async function showHistory(keyOrUrl: string, raw: unknown, command: Command): Promise<void> {
  const options = parseOptions(Options, raw)
  const context = await openReadOnlyContext(command)
  try {
    const history = await entryHistory(context.db, keyOrUrl.trim(), options.asOf?.at ?? null)
    if (history === null && options.asOf !== undefined && (await entryHistory(context.db, keyOrUrl.trim())) !== null) {
      throw new UserError(`nothing to show: entry ${keyOrUrl} was first seen after ${options.asOf.text}`)
    }
    if (history === null) throw new UserError(`no entry with key or URL ${keyOrUrl}`, 'keys look like WSPO-ABC123; URLs must match one the entry was listed with')
    const color = useColor(options.color, process.stdout, context.env.NO_COLOR)
    process.stdout.write(options.format === 'json' ? renderHistoryJson(history) : renderHistoryText(history, { color }))
  } finally {
    await context.close()
  }
}
