import type { ListingPage } from './entry.ts'
import type { HealthProblem } from './health.ts'

/** What became of one listing page, from its fetch to the parser health check. */
export type PageOutcome =
  /** Parsed, and it looks like this listing's pages: its entries are stored. */
  | { kind: 'fetched'; page: ListingPage }
  /** No usable answer: a status, a timeout, a body refused, robots.txt. */
  | { kind: 'fetch-failed'; reason: string }
  /** The parser does not recognise the page: the site changed. */
  | { kind: 'layout-error'; reason: string }
  /** Parsed, but unlike this listing's pages: its entries are not trusted, nothing is removed because of it. */
  | { kind: 'health-failed'; page: ListingPage; problem: HealthProblem }

export type PageOutcomeKind = PageOutcome['kind']

/** One page's outcome within its listing. */
export interface ListingPageOutcome {
  pageNumber: number
  canonicalUrl: string
  outcome: PageOutcome
}

/** The entries a page's outcome lets the run store; none when they are not trusted or there are none. */
export function trustedPage(outcome: PageOutcome): ListingPage | null {
  return outcome.kind === 'fetched' ? outcome.page : null
}

/** The page as parsed, whether or not it passed the health check. */
export function parsedPage(outcome: PageOutcome): ListingPage | null {
  return outcome.kind === 'fetched' || outcome.kind === 'health-failed' ? outcome.page : null
}
