/** Where a crawl run stands: running until it ends complete, partial or failed. */
export type RunStatus = 'running' | 'complete' | 'partial' | 'failed'
