import { Command } from 'commander'
import { SITE_TIME_ZONE } from '../../../domain/site-zone.ts'
import { lazyAction } from '../action.ts'

export const serveCommand = new Command('serve')
  .description('the web UI and JSON API over the database: the changes inbox, search, entries, listings as of a date, operations')
  .option('--host <address>', 'address to listen on; beyond loopback only with users to sign in (eurowatch user add)', '127.0.0.1')
  .option('--port <n>', 'port to listen on (0: any free port)', '8080')
  .option('--cron <expression>', 'also run the whole job on this schedule in this process (PGlite allows one process)')
  .option('--timezone <zone>', 'time zone of --cron', SITE_TIME_ZONE)
  .option('--queue', 'with --cron, on PostgreSQL: queue the scheduled runs for `eurowatch worker` processes instead of crawling here')
  .option('--offline', "the demo's database (.eurowatch/demo, recorded first if missing) and the bundled replica for crawls")
  .option('--secure-cookies', 'sign-in cookies only over HTTPS (behind a TLS proxy)')
  .action(lazyAction(() => import('../actions/serve.ts')))
