import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { RenderMode, SiteProfile } from '../domain/entry.ts'
import type { Database, RunStatus } from '../db/schema.ts'
import { createRun, finishRun } from '../db/runs.ts'
import { finishListingCrawl, startListingCrawl, upsertListing } from '../db/listings.ts'
import type { FetchedListingPage, ListingTarget } from '../crawlers/listing-crawl.ts'
import { crawlListingsByRender, type MixedCrawlSettings } from '../crawlers/crawl-by-render.ts'
import { ParserHealth } from './parser-health.ts'
import { storeListingPages, type ListingPageInput } from './store-page.ts'

export interface JobDeps {
  db: Kysely<Database>
  now: () => Date
  log: Logger
  /** Told after every stored batch of pages: for a progress line on a terminal. */
  progress?: (stored: { pages: number; newEntries: number }) => void
}

export interface CrawlSource {
  name: string
  profile: SiteProfile
  url: string
  maxPages: number
  render: RenderMode
  theme: string | null
}

export interface ListingCrawlSummary {
  source: string
  url: string
  status: Exclude<RunStatus, 'running'>
  pages: number
  entries: number
  newEntries: number
  versionsCreated: number
  reason: string | null
  /** Stopped at its page limit: partial for removals, not a fault of the run. */
  limited: boolean
}

export interface CrawlSummary {
  runId: number
  status: Exclude<RunStatus, 'running'>
  listings: ListingCrawlSummary[]
  pagesFetched: number
  entriesSeen: number
  newEntries: number
  versionsCreated: number
  durationMs: number
}

interface StoredCounts {
  pagesFetched: number
  newEntries: number
  versionsCreated: number
}

/** The crawl settings, and the browser's for sources with `render: 'browser'`. */
export type CrawlJobSettings = MixedCrawlSettings

/** One crawl run: every page of every source fetched, stored raw, parsed and stored as entries, versions and sightings. */
export async function crawlJob(deps: JobDeps, sources: CrawlSource[], settings: CrawlJobSettings): Promise<CrawlSummary> {
  const { db, now, log } = deps
  const startedAt = now()
  const runId = await createRun(db, startedAt)
  const targets: ListingTarget[] = []
  for (const source of sources) {
    const listingId = await upsertListing(db, { sourceId: source.name, profile: source.profile.id, url: source.url })
    await startListingCrawl(db, runId, listingId, startedAt)
    targets.push({ listingId, ...source, sourceName: source.name })
  }
  log.info({ runId, listings: targets.length }, 'crawl started')

  const counts = new Map<number, StoredCounts>(targets.map((target) => [target.listingId, { pagesFetched: 0, newEntries: 0, versionsCreated: 0 }]))
  const health = await ParserHealth.forRun(db, runId, targets.map((target) => target.listingId))
  const sink = {
    async storePages(fetched: FetchedListingPage[]) {
      const checked = fetched.map((page) => health.checkPage(page))
      const pages = checked.map(({ page }) => page)
      const stored = await storeListingPages(deps, pages.map((page) => pageInput(runId, page)))
      await health.recordPages(db, checked, stored.map((result) => result.pageFetchId), now())
      pages.forEach((page, index) => {
        const listing = counts.get(page.target.listingId)
        const result = stored[index]
        if (!listing || !result) return
        listing.pagesFetched += 1
        listing.newEntries += result.newEntries
        listing.versionsCreated += result.versionsCreated
      })
      const totals = [...counts.values()]
      deps.progress?.({ pages: totals.reduce((n, c) => n + c.pagesFetched, 0), newEntries: totals.reduce((n, c) => n + c.newEntries, 0) })
    },
  }

  try {
    // browser listings in Chromium, the others over HTTP, at the same time; outcomes in the sources' order
    const outcomes = await crawlListingsByRender(targets, sink, settings, log)
    const listings: ListingCrawlSummary[] = []
    for (const crawled of outcomes) {
      const outcome = await health.judgeListing(db, crawled, now())
      await finishListingCrawl(db, runId, outcome.target.listingId, outcome, now())
      const stored = counts.get(outcome.target.listingId) ?? { pagesFetched: 0, newEntries: 0, versionsCreated: 0 }
      listings.push({
        source: outcome.target.sourceName,
        url: outcome.target.url,
        status: outcome.status,
        pages: outcome.pages,
        entries: outcome.entries,
        newEntries: stored.newEntries,
        versionsCreated: stored.versionsCreated,
        reason: outcome.reason,
        limited: outcome.limited,
      })
    }
    const summary = summarize(runId, listings, [...counts.values()], now().getTime() - startedAt.getTime())
    await finishRun(
      db,
      runId,
      {
        status: summary.status,
        pagesFetched: summary.pagesFetched,
        entriesSeen: summary.entriesSeen,
        versionsCreated: summary.versionsCreated,
        error: listings.flatMap((listing) => (listing.reason ? [`${listing.source}: ${listing.reason}`] : [])).join('; ') || null,
      },
      now(),
    )
    log.info({ runId, status: summary.status, pages: summary.pagesFetched, entries: summary.entriesSeen }, 'crawl finished')
    return summary
  } catch (error) {
    await finishRun(db, runId, { status: 'failed', pagesFetched: 0, entriesSeen: 0, versionsCreated: 0, error: String(error) }, now())
    throw error
  }
}

function pageInput(runId: number, page: FetchedListingPage): ListingPageInput {
  return {
    runId,
    listingId: page.target.listingId,
    pageNumber: page.pageNumber,
    canonicalUrl: page.canonicalUrl,
    fetchedUrl: page.fetchedUrl,
    status: page.status,
    contentType: page.contentType,
    body: page.body,
    durationMs: page.durationMs,
    attempts: page.attempts,
    error: page.outcome.kind === 'failed' ? page.outcome.reason : null,
    entries: page.outcome.kind === 'parsed' ? page.outcome.page.entries : null,
    firstPosition: page.firstPosition,
    theme: page.target.theme,
    themeSource: page.target.profile.themeSource,
  }
}

function summarize(runId: number, listings: ListingCrawlSummary[], stored: StoredCounts[], durationMs: number): CrawlSummary {
  const sum = <T>(items: T[], pick: (item: T) => number) => items.reduce((total, item) => total + pick(item), 0)
  return {
    runId,
    // a listing cut at its configured page limit did what it was asked: the run is not partial for it
    status: runStatus(listings.map((listing) => (listing.limited ? 'complete' : listing.status))),
    listings,
    pagesFetched: sum(stored, (s) => s.pagesFetched),
    entriesSeen: sum(listings, (l) => l.entries),
    newEntries: sum(listings, (l) => l.newEntries),
    versionsCreated: sum(listings, (l) => l.versionsCreated),
    durationMs,
  }
}

/** A run is complete only when every listing is; failed only when nothing at all was crawled. */
export function runStatus(statuses: Exclude<RunStatus, 'running'>[]): Exclude<RunStatus, 'running'> {
  if (statuses.every((status) => status === 'complete')) return 'complete'
  if (statuses.every((status) => status === 'failed')) return 'failed'
  return 'partial'
}
