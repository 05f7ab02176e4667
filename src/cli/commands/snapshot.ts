import { Command, Option } from 'commander'
import { lazyAction } from '../action.ts'
import { SNAPSHOT_FORMATS } from '../../reports/archive-formats.ts'
import { SITE_TIME_ZONE } from '../../../domain/site-zone.ts'

export const snapshotCommand = new Command('snapshot')
  .description('a listing as eurowatch last saw it complete at or before a date: its entries in their order, each as that crawl read it')
  .argument('<listing>', 'the listing\'s name in the configuration (see `eurowatch sources`)')
  .requiredOption('--as-of <date>', `the moment: YYYY-MM-DD (the end of that day, ${SITE_TIME_ZONE}) or an ISO datetime`)
  .addOption(new Option('--format <format>', 'output format; json and csv are documented in docs/export.md, html is a static page that reads like the listing').choices(SNAPSHOT_FORMATS).default('text'))
  .addHelpText('after', "\nExit code 2, with one line saying why, when there is nothing to show: a date before\nthe listing's first crawl, or one by which no crawl of it was complete.")
  .action(lazyAction(() => import('../actions/snapshot.ts')))
