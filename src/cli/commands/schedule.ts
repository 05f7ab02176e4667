import { Command } from 'commander'
import { SITE_TIME_ZONE } from '../../../domain/site-zone.ts'
import { lazyAction } from '../action.ts'
import { withCrawlFlags } from './crawl-flags.ts'

export const scheduleCommand = withCrawlFlags(
  new Command('schedule').description('stay running and do the whole job (crawl, diff) on a cron schedule; one summary line per run'),
)
  .requiredOption('--cron <expression>', 'when to run, e.g. "17 * * * *" (every hour at :17); a sixth leading field counts seconds')
  .option('--timezone <zone>', 'time zone of the schedule', SITE_TIME_ZONE)
  .option('--max-runs <n>', 'stop after this many runs (default: until SIGINT/SIGTERM)')
  .option('--queue', 'on PostgreSQL: queue each run for `eurowatch worker` processes instead of crawling here (see "Several machines" in the README)')
  .option('--remove-after <n>', 'complete crawls an entry must be absent from before it is reported removed (default: the configuration, 2)')
  .action(lazyAction(() => import('../actions/schedule.ts')))
