import { Command, Option } from 'commander'
import { lazyAction } from '../action.ts'
import { REPORT_FORMATS } from '../../reports/formats.ts'
import { SITE_TIME_ZONE } from '../../../domain/site-zone.ts'

export const reportCommand = new Command('report')
  .description('print the recorded changes of runs (default: the latest run), grouped by listing and kind')
  .option('--run <id...>', 'the runs to report (default: the latest run)')
  .option('--since <date>', `every run started at or after a date (YYYY-MM-DD, midnight ${SITE_TIME_ZONE}) or an ISO datetime`)
  .addOption(new Option('--format <format>', 'output format; JSON is documented in docs/report-json.md, atom/rss/jsonfeed give one feed item per change').choices(REPORT_FORMATS).default('text'))
  .option('--color', 'colour the text output (default: only on a terminal, unless NO_COLOR is set)')
  .option('--no-color', 'never colour the text output')
  .action(lazyAction(() => import('../actions/report.ts')))
