import { Command, Option } from 'commander'
import { lazyAction } from '../action.ts'
import { SITE_TIME_ZONE } from '../../../domain/site-zone.ts'

export const reparseCommand = new Command('reparse')
  .description("re-read the stored listing pages with today's profiles: what a fixed profile reads differently from what was recorded, and with --apply the history corrected")
  .option('--run <id>', 'only the pages of this run')
  .option('--since <date>', `only pages fetched from this moment: YYYY-MM-DD (midnight, ${SITE_TIME_ZONE}) or an ISO datetime`)
  .option('--listing <name>', 'only this listing (its name in the configuration)')
  .option('--apply', 'record the corrections: each version corrected in place, marked as re-parsed, its recorded fields kept; no change is reported or delivered for them')
  .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
  .addHelpText(
    'after',
    '\nWithout --apply nothing is written. A version whose runs now read differently is split at\nthe first run that differs. Entries a page now shows that were not recorded (or no longer\nshows) are told, not written. `eurowatch history KEY` shows a correction and what it replaced.',
  )
  .action(lazyAction(() => import('../actions/reparse.ts')))
