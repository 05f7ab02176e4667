import { Command } from 'commander'
import { lazyAction } from '../action.ts'

export const pruneCommand = new Command('prune')
  .description('drop stored raw page bodies older than a duration that nothing kept needs; never done unless asked')
  .requiredOption('--keep-raw-pages <duration>', 'keep every body fetched within this duration: 30d, 12h, 8w, 1y or ISO 8601 (P30D)')
  .option('--dry-run', 'print what would be dropped, drop nothing', false)
  .addHelpText(
    'after',
    `
Kept whatever their age: the body of the latest read of every listing page, and of every page an
entry version was read from. Dropped: the other bodies last fetched before the duration (failed,
unhealthy and superseded pages, reads that only extended sightings). Page fetches, entries,
versions and sightings stay; \`export --format warc\` leaves out the fetches whose body is gone.
Running it again with the same duration drops nothing more until more bodies age.`,
  )
  .action(lazyAction(() => import('../actions/prune.ts')))
