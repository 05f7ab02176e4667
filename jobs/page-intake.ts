// Where fetched pages enter the run: each raw page is read (decoded, parsed, health-checked)
// from the record that is stored for it, its outcome kept for the listing's verdict, and the
// record with its entries written behind the crawl in batches: raw page first, then what was
// read from it, in one transaction.
import type { Kysely } from 'kysely'
import type { FetchedPage, ListingTarget, PageSink } from '../crawlers/listing-crawl.ts'
import { notModifiedHeaders, revalidationHeaders } from '../crawlers/revalidation.ts'
import { insertHealthEvents, type HealthEventToRecord } from '../db/health-events.ts'
import { knownListingEntries, lastGoodFetch, type StoredFetch } from '../db/incremental.ts'
import { keepPageReadings, pageReadingOf, type PageReading } from '../db/page-readings.ts'
import { readPageBody, sha256Hex } from '../db/pages.ts'
import type { Database } from '../db/schema.ts'
import { refreshStaleStatistics } from '../db/statistics.ts'
import type { ListingBaseline } from '../domain/health.ts'
import { bringsNothingNew } from '../domain/incremental.ts'
import { outcomeProblem, parsedPage, trustedPage, type ListingPageOutcome, type PageOutcome } from '../domain/page-outcome.ts'
import { PageBatcher } from './page-batcher.ts'
import type { PageReader } from './page-reader.ts'
import { judgedPage } from './read-page.ts'
import { storeListingPages, themesOf, type ListingPageInput } from './store-page.ts'

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

/**
 * A listing's first pages have their readings kept: an unchanged incremental run gets a 304 for
 * its first page and stops there, so it reads no page at all (and starts no reading thread).
 */
const PAGES_WITH_READINGS_KEPT = 3

interface PageToStore {
  input: ListingPageInput
  outcome: PageOutcome
  /** Its reading, to be kept. */
  reading: PageReading | null
}

interface PageRead {
  outcome: PageOutcome
  charset: string | null
  reading: PageReading | null
}

/** A page's last good fetch, its body read back and checked, kept while its conditional request is out. */
interface Revalidating {
  stored: StoredFetch
  body: Buffer
}

export class PageIntake implements PageSink {
  private readonly outcomes = new Map<number, ListingPageOutcome[]>()
  /** Listing position of the next page's first entry (1-based, counted across pages). */
  private readonly nextPosition = new Map<number, number>()
  private readonly counts = new Map<number, StoredCounts>()
  private readonly storage: PageBatcher<PageToStore>
  private readonly revalidating = new Map<string, Revalidating>()
  /** Incremental listings whose paging ended on a page that brought nothing new. */
  private readonly stopped = new Set<number>()
  /** Pages stored so far, and the count at which the planner's statistics are checked next. */
  private storedPages = 0
  private nextStatisticsCheck = 1

  constructor(
    private readonly deps: IntakeDeps,
    private readonly runId: number,
    private readonly baselines: Map<number, ListingBaseline>,
    private readonly reader: PageReader,
  ) {
    this.storage = new PageBatcher((pages: PageToStore[]) => this.store(pages), 50, 100, 50, (page) => page.input.entries?.length ?? 0, MAX_ENTRIES_PER_BATCH)
  }

  async acceptPage(fetched: FetchedPage): Promise<{ nextPage: string | null }> {
    const prior = this.revalidating.get(keyOf(fetched.target, fetched.canonicalUrl)) ?? null
    this.revalidating.delete(keyOf(fetched.target, fetched.canonicalUrl))
    const bodySha256 = fetched.body === null ? null : sha256Hex(fetched.body)
    const sameBody = prior !== null && bodySha256 === prior.stored.bodySha256
    return this.intake(fetched, sameBody, await this.read(fetched, bodySha256))
  }

  /**
   * An incremental listing's page is asked with the validators of its last good fetch, and only
   * when that fetch's body is still stored intact: a 304 must have a page to stand for.
   */
  async revalidationHeaders(target: ListingTarget, canonicalUrl: string): Promise<Record<string, string>> {
    const { db, now } = this.deps
    const stored = await lastGoodFetch(db, target.listingId, canonicalUrl)
    if (stored === null) return {}
    const body = await readPageBody(db, stored.bodySha256).catch(() => null)
    // missing or corrupt: the page is asked in full
    if (body === null || sha256Hex(body) !== stored.bodySha256) return {}
    const headers = revalidationHeaders(canonicalUrl, stored.headers, now())
    if (Object.keys(headers).length > 0) this.revalidating.set(keyOf(target, canonicalUrl), { stored, body })
    return headers
  }

  /** A 304: the stored body is read as this run's page (nothing downloaded), unless the 304 names another validator. */
  async acceptNotModified(fetched: FetchedPage): Promise<{ nextPage: string | null } | null> {
    const key = keyOf(fetched.target, fetched.canonicalUrl)
    const prior = this.revalidating.get(key)
    this.revalidating.delete(key)
    const headers = prior === undefined ? null : notModifiedHeaders(fetched.canonicalUrl, prior.stored.headers, fetched.headers)
    if (prior === undefined || headers === null) return null
    const stored = { ...fetched, headers, body: prior.body, charset: null }
    // its body was checked against this digest before the request went out
    return this.intake(stored, true, await this.read(stored, prior.stored.bodySha256))
  }

  /** Whether the listing's incremental crawl ended on a page that brought nothing new. */
  stoppedEarly(listingId: number): boolean {
    return this.stopped.has(listingId)
  }

  /**
   * A page read: one of a listing's first pages from the reading kept of its body when the same
   * reader made one (a 304's stored body, or the same bytes again from a server without
   * validators), else by the page reader, its reading then kept.
   */
  private async read(fetched: FetchedPage, bodySha256: string | null): Promise<PageRead> {
    const baseline = this.baselines.get(fetched.target.listingId) ?? null
    const reader = fetched.pageNumber <= PAGES_WITH_READINGS_KEPT ? this.reader.readerOf(fetched) : null
    const kept = reader === null || bodySha256 === null ? null : await pageReadingOf(this.deps.db, bodySha256, reader)
    if (kept !== null) return { outcome: judgedPage(kept.page, baseline), charset: kept.charset, reading: null }
    const { outcome, charset } = await this.reader.read(fetched, baseline)
    const page = parsedPage(outcome)
    if (reader === null || bodySha256 === null || page === null || charset === null) return { outcome, charset, reading: null }
    return { outcome, charset, reading: { bodySha256, reader, page, charset } }
  }

  private async intake(fetched: FetchedPage, sameBody: boolean, { outcome, charset, reading }: PageRead): Promise<{ nextPage: string | null }> {
    const listingId = fetched.target.listingId
    this.outcomes.set(listingId, [...(this.outcomes.get(listingId) ?? []), { pageNumber: fetched.pageNumber, canonicalUrl: fetched.canonicalUrl, outcome }])
    const firstPosition = this.nextPosition.get(listingId) ?? 1
    const parsed = parsedPage(outcome)
    this.nextPosition.set(listingId, firstPosition + (parsed?.entries.length ?? 0))
    const input = this.inputOf(fetched, outcome, charset, firstPosition)
    // judged before the page is stored: what this run stores is not "already stored"
    const stop = Boolean(parsed?.nextPage) && fetched.target.mode === 'incremental' && (await this.nothingNew(input, sameBody))
    await this.storage.add({ input, outcome, reading })
    if (stop) this.stopped.add(listingId)
    return { nextPage: stop ? null : (parsed?.nextPage ?? null) }
  }

  /** The same body as its last good fetch, or only entries stored with their current versions, in their order. */
  private async nothingNew(input: ListingPageInput, sameBody: boolean): Promise<boolean> {
    if (input.entries === null) return false
    if (sameBody) return true
    const known = await knownListingEntries(this.deps.db, input.listingId, input.entries.map((entry) => entry.key), this.runId)
    return bringsNothingNew(input.entries, known, (entry, stored) => ({ ...entry, themes: themesOf(input, entry, stored) }))
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
    // after the bodies they read: a kept reading goes with its body
    await keepPageReadings(db, pages.flatMap((page) => page.reading ?? []))
    const events: HealthEventToRecord[] = pages.flatMap(({ input, outcome }, index) => {
      const event = healthEventOf(outcome)
      return event ? [{ runId: this.runId, listingId: input.listingId, pageFetchId: stored[index]?.pageFetchId ?? null, ...event, at: now() }] : []
    })
    await insertHealthEvents(db, events)
    // a first crawl doubles its tables again and again: the reads that follow need plans that know it.
    // Checked as the run's stored pages double, not after every batch: the check sizes every table
    // (25 ms a time on PGlite, 7 s of a 1,000-page first crawl)
    this.storedPages += pages.length
    if (this.storedPages >= this.nextStatisticsCheck) {
      this.nextStatisticsCheck = this.storedPages * 2
      await refreshStaleStatistics(db)
    }
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

function keyOf(target: ListingTarget, canonicalUrl: string): string {
  return `${target.listingId} ${canonicalUrl}`
}
