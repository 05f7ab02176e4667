import { Command } from 'commander'
import { lazyAction } from '../action.ts'

export const diffCommand = new Command('diff')
  .description('compare crawled runs with the stored versions and record what is new, changed, moved, removed or reappeared')
  .option('--run <id>', 'the run to diff (default: every finished run not diffed yet, else the latest)')
  .option('--remove-after <n>', 'complete crawls an entry must be absent from before it is reported removed (default: the configuration, 2)')
  .option('--json', 'print the summaries (counts, events, health events) as JSON')
  .action(lazyAction(() => import('../actions/diff.ts')))
