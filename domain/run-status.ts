/** Where a crawl run stands: running until it ends complete, partial or failed. */
export type RunStatus = 'running' | 'complete' | 'partial' | 'failed'

/** A listing's crawl: also 'incremental', stopped by design on a page that brought nothing new (never complete, for removals). */
export type ListingCrawlStatus = RunStatus | 'incremental'
