import { Command } from 'commander'
import { lazyAction } from '../action.ts'

export const sourcesCommand = new Command('sources')
  .description('list the configured listings (name, profile, URL)')
  .option('--json', 'print JSON instead of a table')
  .action(lazyAction(() => import('../actions/sources.ts')))
