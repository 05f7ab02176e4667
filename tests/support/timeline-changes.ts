// What the legacy replica's timeline should be reported as, for the tests that crawl it.
import type { CrawlSource } from '../../jobs/crawl.ts'
import { legacyTimeline } from '../../replica/index.ts'

// cosmetic edits are not changes
const EXPECTED_KIND = { publish: 'new', 'edit-summary': 'changed', retag: 'changed', retitle: 'moved', remove: 'removed', cosmetic: null } as const

/** "kind key" of every real change of these steps on the crawled listings, sorted. */
export function timelineChanges(sources: readonly Pick<CrawlSource, 'url'>[], ...steps: number[]): string[] {
  // page-1 paths, byte for byte (the legacy URLs carry their parameters in the path)
  const crawledPaths = sources.map((source) => source.url.replace(/^https?:\/\/[^/]+/, ''))
  return steps
    .flatMap((step) => legacyTimeline[step]?.changes ?? [])
    .filter((change) => change.listings.some((path) => crawledPaths.includes(path)))
    .flatMap((change) => (EXPECTED_KIND[change.kind] === null ? [] : [`${EXPECTED_KIND[change.kind]} ${change.key}`]))
    .sort()
}
