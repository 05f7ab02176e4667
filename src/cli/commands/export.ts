import { Command, Option } from 'commander'
import { lazyAction } from '../action.ts'
import { EXPORT_FORMATS } from '../../reports/archive-formats.ts'
import { SITE_TIME_ZONE } from '../../../domain/site-zone.ts'

export const exportCommand = new Command('export')
  .description('write the archive out: the stored pages as WARC 1.1, or the entries with every version as JSON Lines or CSV (shapes in docs/export.md)')
  .addOption(new Option('--format <format>', 'warc: one request and one response record per stored fetch, an unchanged body as a revisit record; jsonl, csv: entries and their versions').choices(EXPORT_FORMATS).makeOptionMandatory())
  .option('--since <date>', `only fetches (warc) or entries seen (jsonl, csv) from this moment: YYYY-MM-DD (midnight, ${SITE_TIME_ZONE}) or an ISO datetime`)
  .option('--until <date>', 'only what was stored by this moment: YYYY-MM-DD (the end of that day) or an ISO datetime (default: when the export starts)')
  .option('--listing <name>', 'only this listing (its name in the configuration)')
  .option('--output <file>', 'write to this file, complete or not at all (written beside it, then renamed); a name ending in .gz gives per-record gzip WARC (default: standard output)')
  .action(lazyAction(() => import('../actions/export.ts')))
