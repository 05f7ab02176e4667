/** One entry as a listing page shows it, after normalization by the parser. */
export interface ParsedEntry {
  /** Stable key: the `WSPO-XXXXXX` id on the legacy site, the canonical detail URL elsewhere. */
  key: string
  /** Absolute detail URL. */
  url: string
  title: string | null
  /** Entry type as shown (news, publication, event, case study); null when the listing leaves it empty. */
  type: string | null
  /** ISO `YYYY-MM-DD` in the site's time zone; for events the start date. */
  date: string | null
  /** ISO end date of an event, null otherwise. */
  endDate: string | null
  /** Sorted, de-duplicated theme names. */
  themes: string[]
  summary: string | null
  /** The listing cut the summary with "...". */
  summaryTruncated: boolean
  /** Publication document type (press releases, brochure/report, policy publication) where shown. */
  documentType: string | null
}

/** What one fetched listing page yields. */
export interface ListingPage {
  /** Entries in page order. */
  entries: ParsedEntry[]
  /** Absolute URL of the next page, null on the last page. */
  nextPage: string | null
}

export type RenderMode = 'http' | 'browser'

/** A site profile: pure data and pure functions, no I/O. */
export interface SiteProfile {
  id: string
  render: RenderMode
  /**
   * Where an entry's themes come from: the page itself (legacy theme bullets), or the themed
   * listings (topic pages) that showed it, accumulated across listings and runs.
   */
  themeSource: 'page' | 'listing'
  /** In the browser: the selector that appears once the list is filled. */
  readySelector: string
  parseListing(html: string, pageUrl: string): ListingPage
  /**
   * A feed of the site's newest posts (WordPress's RSS), asked before an incremental crawl pages a
   * listing: unchanged since the last run, the listing is not paged. Never a source of entries.
   */
  feedUrl?(listingUrl: string): string
}
