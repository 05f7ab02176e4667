import { askEntryPages } from '../crawlers/entry-pages.ts'
import { withSharedPoliteness } from '../crawlers/politeness.ts'
import { crawlJob, type CrawlJobSettings, type CrawlSource, type CrawlSummary, type JobDeps } from './crawl.ts'
import { deliverPending, registerSubscriptions, type DeliverySummary, type Outbox } from './deliver.ts'
import { diffPending, type DiffOptions, type DiffSummary } from './diff.ts'
import { fetchDetailsOfRun, type DetailPageSettings, type DetailSummary } from './detail-pages.ts'

export interface RunSummary {
  crawl: CrawlSummary
  /** The entries' own pages fetched after the crawl (new and changed versions, a capped number a run). */
  details: DetailSummary
  /** Every run diffed now, oldest first: a run whose diff a killed process never did, then this one. */
  diffs: DiffSummary[]
  /** Changes recorded by this call (a repeated run on an unchanged site records none); baseline entries not counted. */
  changes: number
  /** What went out to subscriptions (null when none are configured). */
  delivery: DeliverySummary | null
}

/**
 * The whole pipeline once: record new subscriptions, crawl every source, fetch the own pages of new
 * and changed entries (jobs/detail-pages.ts), diff every crawled run
 * not diffed yet (asking the page of every entry about to be reported removed first, with the
 * crawl's settings; its deliveries recorded with its events), then send what is due.
 */
export async function runPipeline(deps: JobDeps, sources: CrawlSource[], settings: CrawlJobSettings & DetailPageSettings, diff: DiffOptions, outbox: Outbox | null = null): Promise<RunSummary> {
  if (outbox !== null) await registerSubscriptions(deps, outbox.subscribers)
  const shared = withSharedPoliteness(settings)
  const crawl = await crawlJob(deps, sources, shared)
  return { crawl, ...(await afterCrawl(deps, crawl.runId, sources, shared, diff, outbox)) }
}

/**
 * What follows a run's crawl, here or in a worker's finish job (jobs/crawl-worker.ts): the own pages
 * of its new and changed entries, the diff of every crawled run not diffed yet, then what is due to send.
 */
export async function afterCrawl(
  deps: JobDeps,
  runId: number,
  sources: CrawlSource[],
  ownSettings: CrawlJobSettings & DetailPageSettings,
  diff: DiffOptions,
  outbox: Outbox | null,
): Promise<Omit<RunSummary, 'crawl'>> {
  const settings = withSharedPoliteness(ownSettings)
  const details = await fetchDetailsOfRun(deps, runId, sources, settings)
  const allowedHosts = new Map(sources.map((source) => [source.name, source.allowedHosts ?? []]))
  const diffs = await diffPending(deps, {
    ...diff,
    subscriptions: outbox?.subscribers ?? [],
    tellOperator: outbox?.operator != null,
    askEntryPages: (candidates) =>
      askEntryPages(
        candidates.map((candidate) => ({ url: candidate.url, listingUrl: candidate.listingUrl, allowedHosts: allowedHosts.get(candidate.sourceId) ?? [] })),
        settings,
        deps.log,
        deps.now,
      ),
  })
  const changes = diffs.reduce((total, summary) => total + Object.values(summary.inserted).reduce((a, b) => a + b, 0) - summary.baselineInserted, 0)
  const delivery = outbox === null || (outbox.subscribers.length === 0 && outbox.operator === null) ? null : await deliverPending(deps, outbox)
  return { details, diffs, changes, delivery }
}
