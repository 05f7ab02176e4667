import { Command } from 'commander'
import { lazyAction } from '../action.ts'
import { withCrawlFlags } from './crawl-flags.ts'

export const crawlCommand = withCrawlFlags(
  new Command('crawl').description('crawl every page of the configured listings and store pages, entries, versions and sightings'),
)
  .option('--json', 'print the run summary as JSON')
  .action(lazyAction(() => import('../actions/crawl.ts')))
