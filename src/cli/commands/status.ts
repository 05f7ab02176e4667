import { Command } from 'commander'
import { lazyAction } from '../action.ts'

export const statusCommand = new Command('status')
  .description("where the watch stands: each listing's last crawl, entries awaiting removal, deliveries per subscription, open problems, the next scheduled run")
  .option('--json', 'print it as JSON')
  .option('--limit <n>', 'entries awaiting removal to list', '20')
  .action(lazyAction(() => import('../actions/status.ts')))
