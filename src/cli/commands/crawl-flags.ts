import type { Command } from 'commander'

/** The flags every crawling verb takes (crawl, run, schedule); validated by CrawlFlags in crawl-setup.ts. */
export function withCrawlFlags(command: Command): Command {
  return command
    .option('--offline', 'crawl the bundled replica of the EUROCITIES sites instead of the network')
    .option('--step <n>', "with --offline: the replica's timeline step (see `eurowatch replica --help`)", '0')
    .option('--source <name...>', 'only these configured listings (see `eurowatch sources`)')
    .option('--max-pages <n>', 'stop each listing after this many pages')
    .option('--full', 'crawl every listing in full (every page, unconditionally), whatever its fullCrawl cadence')
}
