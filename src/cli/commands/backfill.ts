import { Command, Option } from 'commander'
import { lazyAction } from '../action.ts'

export const backfillCommand = new Command('backfill')
  .description("reassemble a listing's past from a web archive's captures of its pages: versions dated by capture, marked as backfilled, no change reported")
  .argument('<listings...>', "the listings' names in the configuration (see `eurowatch sources`); several are backfilled together, their moments in time order")
  .addOption(new Option('--from <archive>', 'the archive to read: the Wayback Machine (backfill.archiveUrl in the configuration)').choices(['wayback']).makeOptionMandatory())
  .option('--from-date <date>', 'only captures from this day (YYYY-MM-DD, UTC as the archive counts)')
  .option('--to-date <date>', 'only captures up to this day, included (YYYY-MM-DD, UTC)')
  .option('--offline', "read the bundled replica's web archive instead")
  .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
  .addHelpText(
    'after',
    '\nCaptures within backfill.windowHours of each other form one moment of the listing; it is complete\nonly when every page was captured in it, else partial (nothing is judged removed from it).\nA second backfill fetches nothing it already has. A moment older than the history already stored\n(of a crawl, or of another backfill) is left out: backfill listings together, before crawling them.\nExit 3 when a moment was partial or failed.',
  )
  .action(lazyAction(() => import('../actions/backfill.ts')))
