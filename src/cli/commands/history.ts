import { Command, Option } from 'commander'
import { z } from 'zod'
import { entryHistory } from '../../../db/entry-history.ts'
import { UserError } from '../../../domain/errors.ts'
import { renderHistoryJson, renderHistoryText } from '../../reports/history.ts'
import { action } from '../action.ts'
import { useColor } from '../color.ts'
import { openCliContext } from '../context.ts'
import { parseOptions } from '../options.ts'

const Options = z.object({
  format: z.enum(['text', 'json']).default('text'),
  color: z.boolean().optional(),
})

export const historyCommand = new Command('history')
  .description('every version of one entry, when each was first and last seen, and what changed between them')
  .argument('<key-or-url>', 'the entry key (WSPO-XXXXXX on the legacy site, else its URL) or any URL the entry had')
  .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
  .option('--color', 'colour the text output (default: only on a terminal, unless NO_COLOR is set)')
  .option('--no-color', 'never colour the text output')
  .action(
    action(async (keyOrUrl: string, raw: unknown, command: Command) => {
      const options = parseOptions(Options, raw)
      const context = await openCliContext(command)
      try {
        const history = await entryHistory(context.db, keyOrUrl.trim())
        if (history === null) throw new UserError(`no entry with key or URL ${keyOrUrl}`, 'keys look like WSPO-ABC123; URLs must match one the entry was listed with')
        const color = useColor(options.color, process.stdout, context.env.NO_COLOR)
        process.stdout.write(options.format === 'json' ? renderHistoryJson(history) : renderHistoryText(history, { color }))
      } finally {
        await context.close()
      }
    }),
  )
