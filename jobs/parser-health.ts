import type { Kysely } from 'kysely'
import { insertHealthEvents, type HealthEventToRecord } from '../db/health-events.ts'
import { listingBaselines } from '../db/listing-baselines.ts'
import type { Database } from '../db/schema.ts'
import type { FetchedListingPage, ListingCrawlOutcome } from '../crawlers/http-crawler.ts'
import { listingHealthProblem, pageHealthProblem, type HealthProblem, type ListingBaseline } from '../domain/health.ts'

/**
 * The parser health check of one crawl run. A page that parsed but does not look like this
 * listing's pages is stored as raw page only (its entries are not trusted), recorded as a
 * health event, and its listing's crawl becomes partial: nothing is removed or changed because of it.
 */
export class ParserHealth {
  private readonly problems = new Map<number, string[]>()

  private constructor(
    private readonly runId: number,
    private readonly baselines: Map<number, ListingBaseline>,
  ) {}

  static async forRun(db: Kysely<Database>, runId: number, listingIds: number[]): Promise<ParserHealth> {
    return new ParserHealth(runId, await listingBaselines(db, listingIds, runId))
  }

  /** The page as it should be stored, and the problem to record for it. */
  checkPage(page: FetchedListingPage): { page: FetchedListingPage; problem: HealthProblem | null } {
    if (page.outcome.kind === 'failed') {
      const layout = page.outcome.reason.startsWith('layout:')
      return { page, problem: { problem: layout ? 'layout' : 'fetch-failed', message: page.outcome.reason } }
    }
    const { entries, nextPage } = page.outcome.page
    const problem = pageHealthProblem(entries, nextPage === null, this.baselines.get(page.target.listingId) ?? null)
    if (problem === null) return { page, problem }
    this.note(page.target.listingId, `page ${page.pageNumber}: ${problem.message}`)
    return { page: { ...page, outcome: { kind: 'failed', reason: `health: ${problem.message}` } }, problem }
  }

  /** Records the problems of stored pages (their fetch ids known now). */
  async recordPages(db: Kysely<Database>, checked: { page: FetchedListingPage; problem: HealthProblem | null }[], pageFetchIds: number[], at: Date): Promise<void> {
    const events: HealthEventToRecord[] = checked.flatMap(({ page, problem }, index) =>
      problem ? [{ runId: this.runId, listingId: page.target.listingId, pageFetchId: pageFetchIds[index] ?? null, ...problem, at }] : [],
    )
    await insertHealthEvents(db, events)
  }

  /** The listing's outcome once the health of its pages and of the whole listing is known. */
  async judgeListing(db: Kysely<Database>, outcome: ListingCrawlOutcome, at: Date): Promise<ListingCrawlOutcome> {
    const listingId = outcome.target.listingId
    if (outcome.status === 'complete') {
      const problem = listingHealthProblem(outcome.entries, this.baselines.get(listingId) ?? null)
      if (problem) {
        this.note(listingId, problem.message)
        await insertHealthEvents(db, [{ runId: this.runId, listingId, pageFetchId: null, ...problem, at }])
      }
    }
    const problems = this.problems.get(listingId)
    if (!problems || outcome.status === 'failed') return outcome
    return { ...outcome, status: 'partial', limited: false, reason: [outcome.reason, `parser health: ${problems.join('; ')}`].filter(Boolean).join('; ') }
  }

  private note(listingId: number, problem: string): void {
    this.problems.set(listingId, [...(this.problems.get(listingId) ?? []), problem])
  }
}
