// Where fetched pages enter the run: each raw page is read (decoded, parsed, health-checked)
// from the record that is stored for it, its outcome kept for the listing's verdict, and the
// record with its entries written behind the crawl in batches: raw page first, then what was
// read from it, in one transaction.
import type { Kysely } from 'kysely'
import type { FetchedPage, PageSink } from '../crawlers/listing-crawl.ts'
import { insertHealthEvents, type HealthEventToRecord } from '../db/health-events.ts'
import type { Database } from '../db/schema.ts'
import type { ListingBaseline } from '../domain/health.ts'
import { outcomeProblem, parsedPage, trustedPage, type ListingPageOutcome, type PageOutcome } from '../domain/page-outcome.ts'
import { PageBatcher } from './page-batcher.ts'
import type { PageReader } from './page-reader.ts'
import { storeListingPages, type ListingPageInput } from './store-page.ts'

export interface IntakeDeps {
  db: Kysely<Database>
  now: () => Date
  progress?: (stored: { pages: number; newEntries: number }) => void
}

export interface StoredCounts {
  pagesFetched: number
  newEntries: number
  versionsCreated: number
}

/** Entries one store transaction takes at most (unless a single page has more). */
const MAX_ENTRIES_PER_BATCH = 5_000

interface PageToStore {
  input: ListingPageInput
  outcome: PageOutcome
}

export class PageIntake implements PageSink {
  private readonly outcomes = new Map<number, ListingPageOutcome[]>()
  /** Listing position of the next page's first entry (1-based, counted across pages). */
  private readonly nextPosition = new Map<number, number>()
  private readonly counts = new Map<number, StoredCounts>()
  private readonly storage: PageBatcher<PageToStore>

  constructor(
    private readonly deps: IntakeDeps,
    private readonly runId: number,
    private readonly baselines: Map<number, ListingBaseline>,
    private readonly reader: PageReader,
  ) {
    this.storage = new PageBatcher((pages: PageToStore[]) => this.store(pages), 50, 100, 50, (page) => page.input.entries?.length ?? 0, MAX_ENTRIES_PER_BATCH)
  }

  async acceptPage(fetched: FetchedPage): Promise<{ nextPage: string | null }> {
    const listingId = fetched.target.listingId
    const { outcome, charset } = await this.reader.read(fetched, this.baselines.get(listingId) ?? null)
    this.outcomes.set(listingId, [...(this.outcomes.get(listingId) ?? []), { pageNumber: fetched.pageNumber, canonicalUrl: fetched.canonicalUrl, outcome }])
    const firstPosition = this.nextPosition.get(listingId) ?? 1
    const parsed = parsedPage(outcome)
    this.nextPosition.set(listingId, firstPosition + (parsed?.entries.length ?? 0))
    await this.storage.add({ input: this.inputOf(fetched, outcome, charset, firstPosition), outcome })
    return { nextPage: parsed?.nextPage ?? null }
  }

  /** Waits until every page is stored. */
  async finish(): Promise<void> {
    await this.storage.finish()
  }

  /** The outcomes of a listing's pages, in the order they came. */
  pagesOf(listingId: number): ListingPageOutcome[] {
    return this.outcomes.get(listingId) ?? []
  }

  countsOf(listingId: number): StoredCounts {
    return this.counts.get(listingId) ?? { pagesFetched: 0, newEntries: 0, versionsCreated: 0 }
  }

  private inputOf(fetched: FetchedPage, outcome: PageOutcome, charset: string | null, firstPosition: number): ListingPageInput {
    return {
      runId: this.runId,
      listingId: fetched.target.listingId,
      pageNumber: fetched.pageNumber,
      canonicalUrl: fetched.canonicalUrl,
      fetchedUrl: fetched.fetchedUrl,
      status: fetched.status,
      contentType: fetched.headers['content-type'] ?? null,
      headers: fetched.status === null ? null : fetched.headers,
      body: fetched.body,
      charset,
      durationMs: fetched.durationMs,
      attempts: fetched.attempts,
      outcome: outcome.kind,
      error: outcomeProblem(outcome),
      entries: trustedPage(outcome)?.entries ?? null,
      firstPosition,
      theme: fetched.target.theme,
      themeSource: fetched.target.profile.themeSource,
    }
  }

  private async store(pages: PageToStore[]): Promise<void> {
    const { db, now } = this.deps
    const stored = await storeListingPages(this.deps, pages.map((page) => page.input))
    const events: HealthEventToRecord[] = pages.flatMap(({ input, outcome }, index) => {
      const event = healthEventOf(outcome)
      return event ? [{ runId: this.runId, listingId: input.listingId, pageFetchId: stored[index]?.pageFetchId ?? null, ...event, at: now() }] : []
    })
    await insertHealthEvents(db, events)
    pages.forEach(({ input }, index) => {
      const result = stored[index]
      if (!result) return
      const counts = this.countsOf(input.listingId)
      this.counts.set(input.listingId, {
        pagesFetched: counts.pagesFetched + 1,
        newEntries: counts.newEntries + result.newEntries,
        versionsCreated: counts.versionsCreated + result.versionsCreated,
      })
    })
    const totals = [...this.counts.values()]
    this.deps.progress?.({ pages: totals.reduce((n, c) => n + c.pagesFetched, 0), newEntries: totals.reduce((n, c) => n + c.newEntries, 0) })
  }
}

/** The health event of a page that was not used. */
function healthEventOf(outcome: PageOutcome): Pick<HealthEventToRecord, 'problem' | 'message'> | null {
  const message = outcomeProblem(outcome)
  if (message === null) return null
  const problem = outcome.kind === 'health-failed' ? outcome.problem.problem : outcome.kind === 'layout-error' ? 'layout' : 'fetch-failed'
  return { problem, message }
}
