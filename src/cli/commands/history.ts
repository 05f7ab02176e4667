import { Command, Option } from 'commander'
import { lazyAction } from '../action.ts'
import { SITE_TIME_ZONE } from '../../../domain/site-zone.ts'

export const historyCommand = new Command('history')
  .description('every version of one entry, when each was first and last seen, and what changed between them')
  .argument('<key-or-url>', 'the entry key (WSPO-XXXXXX on the legacy site, else its URL) or any URL the entry had')
  .option('--as-of <date>', `the history as it stood then: versions stored by that moment (YYYY-MM-DD, the end of that day ${SITE_TIME_ZONE}, or an ISO datetime)`)
  .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
  .option('--color', 'colour the text output (default: only on a terminal, unless NO_COLOR is set)')
  .option('--no-color', 'never colour the text output')
  .action(lazyAction(() => import('../actions/history.ts')))
