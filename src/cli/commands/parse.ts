import { Command } from 'commander'
import { PROFILE_IDS } from '../../../parsers/profile-ids.ts'
import { lazyAction } from '../action.ts'

export const parseCommand = new Command('parse')
  .description('parse one saved listing page and print its entries and next page as JSON (no database, no network)')
  .argument('[file]', 'HTML file to parse (default: standard input)')
  .option('--profile <id>', `site profile (${PROFILE_IDS.join(', ')}); "selectors" takes the selectors of the configuration's selectors source`)
  .option('--source <name>', 'parse with the profile (and selectors) of this configured listing')
  .requiredOption('--url <url>', 'the URL the page was fetched from: relative links resolve against it')
  .action(lazyAction(() => import('../actions/parse.ts')))
