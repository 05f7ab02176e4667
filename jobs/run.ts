import { askEntryPages } from '../crawlers/entry-pages.ts'
import { crawlJob, type CrawlJobSettings, type CrawlSource, type CrawlSummary, type JobDeps } from './crawl.ts'
import { diffPending, type DiffOptions, type DiffSummary } from './diff.ts'

export interface RunSummary {
  crawl: CrawlSummary
  /** Every run diffed now, oldest first: a run whose diff a killed process never did, then this one. */
  diffs: DiffSummary[]
  /** Changes recorded by this call (a repeated run on an unchanged site records none). */
  changes: number
}

/**
 * The whole pipeline once: crawl every source, then diff every crawled run not diffed yet, asking the
 * page of every entry about to be reported removed first, with the crawl's settings.
 */
export async function runPipeline(deps: JobDeps, sources: CrawlSource[], settings: CrawlJobSettings, diff: DiffOptions): Promise<RunSummary> {
  const crawl = await crawlJob(deps, sources, settings)
  const allowedHosts = new Map(sources.map((source) => [source.name, source.allowedHosts ?? []]))
  const diffs = await diffPending(deps, {
    ...diff,
    askEntryPages: (candidates) =>
      askEntryPages(
        candidates.map((candidate) => ({ url: candidate.url, listingUrl: candidate.listingUrl, allowedHosts: allowedHosts.get(candidate.sourceId) ?? [] })),
        settings,
        deps.log,
      ),
  })
  const changes = diffs.reduce((total, summary) => total + Object.values(summary.inserted).reduce((a, b) => a + b, 0), 0)
  return { crawl, diffs, changes }
}
