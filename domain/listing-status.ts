// The one place where a listing's crawl is judged from its pages' outcomes: complete (removals
// may follow), incremental (stopped by design on a page that brought nothing new), partial or failed.
import { listingHealthProblem, type HealthProblem, type ListingBaseline, type ListingShape, type OldNextPage } from './health.ts'
import { outcomeProblem, parsedPage, type ListingPageOutcome } from './page-outcome.ts'

export type ListingStatus = 'complete' | 'incremental' | 'partial' | 'failed'

export interface ListingVerdict {
  status: ListingStatus
  /** Pages parsed (healthy or not) and the entries on them. */
  pages: number
  entries: number
  reason: string | null
  /** Partial only because it stopped at its configured page limit: not a fault, but no removals either. */
  limited: boolean
  /** A problem of the whole listing (it ended far too early), to record as a health event. */
  listingProblem: HealthProblem | null
}

export interface ListingPages {
  pages: readonly ListingPageOutcome[]
  maxPages: number
  /** Requests the crawler never made, with the reason (robots.txt). */
  skipped: readonly string[]
  baseline: ListingBaseline | null
  /** For a listing that ends early on a full page: the page that followed in its last complete crawl, asked again. */
  oldNextPage?: OldNextPage | null
  /** An incremental crawl ended by design on a page that brought nothing new (its next page not asked). */
  stoppedEarly?: boolean
}

/** What the parsed pages of a listing add up to; null when none parsed. */
export function listingShape(pages: readonly ListingPageOutcome[]): ListingShape | null {
  const parsed = [...pages].sort((a, b) => a.pageNumber - b.pageNumber).flatMap((page) => parsedPage(page.outcome) ?? [])
  const last = parsed.at(-1)
  if (last === undefined) return null
  return { entries: parsed.reduce((sum, page) => sum + page.entries.length, 0), pages: parsed.length, lastPageEntries: last.entries.length }
}

export function judgeListing({ pages, maxPages, skipped, baseline, oldNextPage = null, stoppedEarly = false }: ListingPages): ListingVerdict {
  const inOrder = [...pages].sort((a, b) => a.pageNumber - b.pageNumber)
  const parsed = inOrder.flatMap((page) => {
    const listingPage = parsedPage(page.outcome)
    return listingPage ? [{ ...page, listingPage }] : []
  })
  const counts = { pages: parsed.length, entries: parsed.reduce((sum, page) => sum + page.listingPage.entries.length, 0) }
  const problems: string[] = []
  const health: string[] = []
  for (const { pageNumber, outcome } of inOrder) {
    const problem = outcomeProblem(outcome)
    if (problem !== null) (outcome.kind === 'health-failed' ? health : problems).push(`page ${pageNumber}: ${problem}`)
  }
  problems.push(...skipped)

  const last = parsed.at(-1)
  const nextOfLast = last?.listingPage.nextPage ?? null
  const visited = new Set(parsed.map((page) => page.canonicalUrl))
  // a pager that loops is a bound hit on remote input: a health event, not only a partial listing
  const loop = last && nextOfLast !== null && visited.has(nextOfLast) ? `page ${last.pageNumber}: the next link leads back to ${nextOfLast}` : null
  if (loop !== null) problems.push(loop)

  const limited = last !== undefined && nextOfLast !== null && last.pageNumber >= maxPages
  const crawled = crawlVerdict(counts.pages, problems, last !== undefined && nextOfLast === null, limited, maxPages, stoppedEarly && !limited)
  const shape = { ...counts, lastPageEntries: last?.listingPage.entries.length ?? 0 }
  const loopProblem: HealthProblem | null = loop === null ? null : { problem: 'incomplete', message: `${loop}: the pager loops, nothing after it was read` }
  const parserProblem = crawled.status === 'complete' ? listingHealthProblem(shape, baseline, oldNextPage) : null
  if (parserProblem) health.push(parserProblem.message)
  const listingProblem = parserProblem ?? loopProblem
  if (health.length === 0 || crawled.status === 'failed') return { ...counts, ...crawled, listingProblem }
  return {
    ...counts,
    status: 'partial',
    limited: false,
    reason: [crawled.reason, `parser health: ${health.join('; ')}`].filter(Boolean).join('; '),
    listingProblem,
  }
}

function crawlVerdict(
  pages: number,
  problems: string[],
  reachedEnd: boolean,
  limited: boolean,
  maxPages: number,
  stoppedEarly: boolean,
): Pick<ListingVerdict, 'status' | 'reason' | 'limited'> {
  if (pages === 0) return { status: 'failed', reason: problems.join('; ') || 'no page fetched', limited: false }
  if (problems.length > 0) return { status: 'partial', reason: problems.join('; '), limited: false }
  if (limited) return { status: 'partial', reason: `stopped at the page limit (${maxPages} pages)`, limited: true }
  // the pages after it were not read: what changed there, and what is gone, waits for a full crawl
  if (stoppedEarly && !reachedEnd) return { status: 'incremental', reason: null, limited: false }
  if (!reachedEnd) return { status: 'partial', reason: 'the last page was not reached', limited: false }
  return { status: 'complete', reason: null, limited: false }
}
