// The crawl of the demo's four legacy listings without a database, in a process of its own: every
// page fetched and read (in the page reader's worker thread) as a run does, nothing stored.
// Usage: tsx bench/memory-child.ts <replica origin> [parse threads, 0: on the crawl's own thread]
import { pino } from 'pino'
import { crawlListings } from '../crawlers/http-crawler.ts'
import type { FetchedPage, PageSink } from '../crawlers/listing-crawl.ts'
import { OriginMap } from '../crawlers/origin-map.ts'
import { defaultReadThreads, DEFAULT_PARSE_TIMEOUT_SECONDS, PageReader } from '../jobs/page-reader.ts'
import { eurocitiesLegacy } from '../parsers/eurocities-legacy.ts'
import { PolitenessSchema } from '../src/config/schema.ts'
import { LEGACY_LISTING_PATHS } from './urlwatch.ts'

const [origin = '', threads] = process.argv.slice(2)
const reader = new PageReader({ threads: threads === undefined ? defaultReadThreads() : Number(threads), budgetSeconds: DEFAULT_PARSE_TIMEOUT_SECONDS })
let pages = 0
const sink: PageSink = {
  async acceptPage(fetched: FetchedPage) {
    pages += 1
    const { outcome } = await reader.read(fetched, null)
    return { nextPage: outcome.kind === 'fetched' || outcome.kind === 'health-failed' ? outcome.page.nextPage : null }
  },
}
const targets = LEGACY_LISTING_PATHS.map((path, index) => ({
  listingId: index + 1,
  sourceName: `listing-${index + 1}`,
  url: `http://www.eurocities.eu${path}`,
  profile: eurocitiesLegacy,
  maxPages: 100,
  render: 'http' as const,
  theme: null,
}))
const settings = { ...PolitenessSchema.parse({}), perHostDelaySeconds: 0, origins: new OriginMap(['www.eurocities.eu'], origin) }
await crawlListings(targets, sink, settings, pino({ level: 'silent' }))
process.stdout.write(`${JSON.stringify({ pages })}\n`)
