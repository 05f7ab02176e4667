import { Command, Option } from 'commander'
import { lazyAction } from '../action.ts'

export const historyCommand = new Command('history')
  .description('every version of one entry, when each was first and last seen, and what changed between them')
  .argument('<key-or-url>', 'the entry key (WSPO-XXXXXX on the legacy site, else its URL) or any URL the entry had')
  .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
  .option('--color', 'colour the text output (default: only on a terminal, unless NO_COLOR is set)')
  .option('--no-color', 'never colour the text output')
  .action(lazyAction(() => import('../actions/history.ts')))
