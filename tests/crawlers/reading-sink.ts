// A sink for the crawler tests: every fetched page read as the crawl job reads it (decoded,
// parsed, checked), without a database; the listings judged by the job's own verdict.
import type { CrawledListing, FetchedPage, ListingTarget, PageSink } from '../../crawlers/listing-crawl.ts'
import { judgeListing, type ListingVerdict } from '../../domain/listing-status.ts'
import { parsedPage, type PageOutcome } from '../../domain/page-outcome.ts'
import { readFetchedPage } from '../../jobs/read-page.ts'

export interface ReadPageRecord extends FetchedPage {
  outcome: PageOutcome
  /** Listing position of the page's first entry (1-based, counted across pages). */
  firstPosition: number
}

export interface ReadingSink extends PageSink {
  pages: ReadPageRecord[]
  /** The crawled listings judged from their pages, in the crawl's order. */
  verdicts(crawled: CrawledListing[]): (ListingVerdict & { target: ListingTarget })[]
}

export function readingSink(): ReadingSink {
  const pages: ReadPageRecord[] = []
  const nextPosition = new Map<number, number>()
  return {
    pages,
    async acceptPage(page) {
      const { outcome } = readFetchedPage(page, null)
      const firstPosition = nextPosition.get(page.target.listingId) ?? 1
      const parsed = parsedPage(outcome)
      nextPosition.set(page.target.listingId, firstPosition + (parsed?.entries.length ?? 0))
      pages.push({ ...page, outcome, firstPosition })
      return { nextPage: parsed?.nextPage ?? null }
    },
    verdicts(crawled) {
      return crawled.map(({ target, skipped }) => {
        const own = pages.filter((page) => page.target.listingId === target.listingId)
        const outcomes = own.map((page) => ({ pageNumber: page.pageNumber, canonicalUrl: page.canonicalUrl, outcome: page.outcome }))
        return { target, ...judgeListing({ pages: outcomes, maxPages: target.maxPages, skipped, baseline: null }) }
      })
    },
  }
}

/** The entries of the pages that parsed, in page order. */
export function entriesOf(pages: readonly ReadPageRecord[]) {
  return pages.flatMap((page) => parsedPage(page.outcome)?.entries ?? [])
}
