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

/** Why a page was not used, as the operator is told it (run error, stored fetch, health event); null for a fetched page. */
export function outcomeProblem(outcome: PageOutcome): string | null {
  switch (outcome.kind) {
    case 'fetched':
      return null
    case 'fetch-failed':
      return outcome.reason
    case 'layout-error':
      return `layout: ${outcome.reason}`
    case 'health-failed':
      return outcome.problem.message
  }
}
