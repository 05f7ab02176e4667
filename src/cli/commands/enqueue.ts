import { Command } from 'commander'
import { lazyAction } from '../action.ts'

export const enqueueCommand = new Command('enqueue')
  .description('queue a run for the workers (`eurowatch worker`) on PostgreSQL: one crawl job per listing; the worker finishing the last one diffs and delivers')
  .option('--source <name...>', 'only these configured listings (see `eurowatch sources`)')
  .option('--full', 'crawl every listing in full, whatever its fullCrawl cadence')
  .action(lazyAction(() => import('../actions/enqueue.ts')))
