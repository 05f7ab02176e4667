/** Where a crawl run stands: running until it ends complete, partial or failed. */
export type RunStatus = 'running' | 'complete' | 'partial' | 'failed'

/** A listing's crawl: also 'incremental', stopped by design on a page that brought nothing new (never complete, for removals). */
export type ListingCrawlStatus = RunStatus | 'incremental'

/** A run is complete only when every listing is (an incremental crawl did what it was asked); failed only when nothing at all was crawled. */
export function runStatus(statuses: Exclude<ListingCrawlStatus, 'running'>[]): Exclude<RunStatus, 'running'> {
  if (statuses.every((status) => status === 'complete' || status === 'incremental')) return 'complete'
  if (statuses.every((status) => status === 'failed')) return 'failed'
  return 'partial'
}
