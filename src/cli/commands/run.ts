import { Command, Option } from 'commander'
import { lazyAction } from '../action.ts'
import { withCrawlFlags } from './crawl-flags.ts'
import { REPORT_FORMATS } from '../../reports/formats.ts'

export const runCommand = withCrawlFlags(
  new Command('run').description('the whole job: crawl the configured listings, record what changed, print the report of this run'),
)
  .option('--remove-after <n>', 'complete crawls an entry must be absent from before it is reported removed (default: the configuration, 2)')
  .addOption(new Option('--format <format>', 'report format (see `eurowatch report --help`)').choices(REPORT_FORMATS).default('text'))
  .option('--color', 'colour the text report (default: only on a terminal, unless NO_COLOR is set)')
  .option('--no-color', 'never colour the text report')
  .option('--exit-code', 'exit with 1 when something changed (as git diff --exit-code)')
  .option('--state <file>', 'the embedded database as one file, for runners that start empty (CI): loaded before the run if it exists, saved after it unless the run failed')
  .action(lazyAction(() => import('../actions/run.ts')))
