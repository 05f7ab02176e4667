import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { RenderMode, SiteProfile } from '../domain/entry.ts'
import type { Database, RunStatus } from '../db/schema.ts'
import { createRun, finishRun } from '../db/runs.ts'
import { finishListingCrawl, startListingCrawl, upsertListing } from '../db/listings.ts'
import { insertHealthEvents } from '../db/health-events.ts'
import { listingBaselines } from '../db/listing-baselines.ts'
import { fullCrawlHistory } from '../db/incremental.ts'
import type { CrawlMode, ListingTarget } from '../crawlers/listing-crawl.ts'
import { crawlListingsByRender, type MixedCrawlSettings } from '../crawlers/crawl-by-render.ts'
import { PageAsker } from '../crawlers/page-asker.ts'
import { withSharedPoliteness } from '../crawlers/politeness.ts'
import { fullCrawlDue, type FullCrawlCadence } from '../domain/incremental.ts'
import { judgeListing, type ListingStatus, type ListingVerdict } from '../domain/listing-status.ts'
import { runStatus } from '../domain/run-status.ts'
import { feedUrlOf, probeFeeds, saveProbes } from './feed-probe.ts'
import { PageIntake, type StoredCounts } from './page-intake.ts'
import { DEFAULT_PARSE_TIMEOUT_SECONDS, defaultReadThreads, PageReader } from './page-reader.ts'
import { askOldNextPage, type PagerCheck } from './pager-check.ts'

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
  /** Hosts besides the listing's own that its next links and redirects may lead to. */
  allowedHosts?: readonly string[]
  /** When its crawl is full; between full crawls it is incremental. Default: every crawl is full. */
  fullCrawl?: FullCrawlCadence
}

export interface ListingCrawlSummary {
  source: string
  url: string
  /** 'incremental': stopped on a page that brought nothing new; its deeper pages wait for a full crawl. */
  status: ListingStatus
  mode: CrawlMode
  /** When its latest complete full crawl finished (this one, if it was); null: never. */
  lastFullAt: Date | null
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

/** The crawl settings, the browser's for sources with `render: 'browser'`, and how pages are read. */
export type CrawlJobSettings = MixedCrawlSettings & {
  /** How long one page may take to be read in its worker thread, per megabyte of the page (default 10 s). */
  parseTimeoutSeconds?: number
  /** Worker threads that read pages (default: a core each but one, 1 to 4); 0 reads them on the crawl's thread. */
  parseThreads?: number
  /** Every listing crawled in full, whatever its cadence (`--full`). */
  full?: boolean
}

const EVERY_CRAWL_FULL: FullCrawlCadence = { everyRuns: 1, olderThanHours: null }

/** A listing never crawled incrementally: no feed is asked for it. */
function everyCrawlFull(source: CrawlSource | undefined): boolean {
  const cadence = source?.fullCrawl ?? EVERY_CRAWL_FULL
  return cadence.everyRuns === 1 && cadence.olderThanHours === null
}

/** A listing of a run, started and with its crawl mode, and when it was last crawled in full. */
export interface StartedListing {
  target: ListingTarget
  source: CrawlSource
  lastFullAt: Date | null
}

/** Records the run's listings as crawling ('running'), each with the mode its cadence asks for now. */
export async function startListings(db: Kysely<Database>, runId: number, sources: CrawlSource[], startedAt: Date, full: boolean): Promise<StartedListing[]> {
  const listingIds: number[] = []
  for (const source of sources) {
    const listingId = await upsertListing(db, { sourceId: source.name, profile: source.profile.id, url: source.url })
    await startListingCrawl(db, runId, listingId, startedAt)
    listingIds.push(listingId)
  }
  const histories = await fullCrawlHistory(db, listingIds, runId)
  return sources.map((source, index) => {
    const listingId = listingIds[index] ?? 0
    const history = histories.get(listingId) ?? { lastFullAt: null, crawlsSince: 0 }
    const mode: CrawlMode = fullCrawlDue(source.fullCrawl ?? EVERY_CRAWL_FULL, history, startedAt, full) ? 'full' : 'incremental'
    return { target: { listingId, ...source, sourceName: source.name, mode }, source, lastFullAt: history.lastFullAt }
  })
}

/** Records a listing's verdict; a queued run's worker also finishes the run when it was the last (jobs/listing-job.ts). */
export type FinishListing = (listingId: number, verdict: ListingVerdict, finishedAt: Date) => Promise<void>

/** One crawl run: every page of every source fetched and stored raw, read into entries, versions and sightings. */
export async function crawlJob(deps: JobDeps, sources: CrawlSource[], settings: CrawlJobSettings): Promise<CrawlSummary> {
  const { db, now, log } = deps
  const startedAt = now()
  const runId = await createRun(db, startedAt)
  const listings = await startListings(db, runId, sources, startedAt, settings.full === true)
  try {
    const crawled = await crawlListingsOfRun(deps, runId, listings, settings, (listingId, verdict, finishedAt) => finishListingCrawl(db, runId, listingId, verdict, finishedAt))
    const summary = summarize(runId, crawled.listings, crawled.stored, now().getTime() - startedAt.getTime())
    await finishRun(
      db,
      runId,
      {
        status: summary.status,
        pagesFetched: summary.pagesFetched,
        entriesSeen: summary.entriesSeen,
        versionsCreated: summary.versionsCreated,
        error: crawled.listings.flatMap((listing) => (listing.reason ? [`${listing.source}: ${listing.reason}`] : [])).join('; ') || null,
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

/**
 * Crawls started listings of a run (all of a run's, or a worker's one) and judges each: its pages
 * stored, its verdict handed to `finishListing`. Pages already fetched are stored also when it throws.
 */
export async function crawlListingsOfRun(
  deps: JobDeps,
  runId: number,
  started: StartedListing[],
  ownSettings: CrawlJobSettings,
  finishListing: FinishListing,
): Promise<{ listings: ListingCrawlSummary[]; stored: StoredCounts[] }> {
  const { db, now, log } = deps
  const settings = withSharedPoliteness(ownSettings)
  const targets = started.map((listing) => listing.target)
  log.info({ runId, listings: targets.length, incremental: targets.filter((target) => target.mode === 'incremental').length }, 'crawl started')
  const baselines = await listingBaselines(db, targets.map((target) => target.listingId), runId)
  const reader = new PageReader({ threads: settings.parseThreads ?? defaultReadThreads(), budgetSeconds: settings.parseTimeoutSeconds ?? DEFAULT_PARSE_TIMEOUT_SECONDS })
  const intake = new PageIntake(deps, runId, baselines, reader)
  let asker: PageAsker | undefined
  const askPages = () => (asker ??= new PageAsker(settings))
  try {
    // a full crawl reads every page: the reading thread loads its code meanwhile. An incremental
    // one may read none (a 304 for its first page, whose reading is kept): a thread starts if needed
    if (targets.some((target) => target.mode === 'full')) reader.warmUp()
    // a site's feed unchanged since the last run: its incremental listings have nothing new to page
    const feeds = await probeFeeds(deps, started.filter((listing) => !everyCrawlFull(listing.source)).map((listing) => listing.target), askPages)
    const quiet = new Set(targets.filter((target) => target.mode === 'incremental' && feeds.get(feedUrlOf(target) ?? '')?.unchanged === true).map((target) => target.listingId))
    // browser listings in Chromium, the others over HTTP, at the same time; in the sources' order
    const paged = await crawlListingsByRender(targets.filter((target) => !quiet.has(target.listingId)), intake, settings, log)
    await intake.finish()
    const crawled = targets.map((target) => paged.find((listing) => listing.target.listingId === target.listingId) ?? { target, skipped: [] })
    const pagerCheck: PagerCheck = { db, runId, reader, asker: askPages }
    const listings: ListingCrawlSummary[] = []
    const feedsDone = new Map<string, boolean>()
    for (const [index, { target, skipped }] of crawled.entries()) {
      const pages = intake.pagesOf(target.listingId)
      const baseline = baselines.get(target.listingId) ?? null
      const stoppedEarly = intake.stoppedEarly(target.listingId)
      // a listing that stopped early by design has no old next page to ask about
      const oldNextPage = skipped.length === 0 && !stoppedEarly && !quiet.has(target.listingId) ? await askOldNextPage(pagerCheck, target, pages, baseline) : null
      const verdict: ListingVerdict = quiet.has(target.listingId)
        ? { status: 'incremental', pages: 0, entries: 0, reason: null, limited: false, listingProblem: null }
        : judgeListing({ pages, maxPages: target.maxPages, skipped, baseline, oldNextPage, stoppedEarly })
      const feedUrl = feedUrlOf(target)
      if (feedUrl !== null) feedsDone.set(feedUrl, (feedsDone.get(feedUrl) ?? true) && (verdict.status === 'complete' || verdict.status === 'incremental'))
      if (verdict.listingProblem) await insertHealthEvents(db, [{ runId, listingId: target.listingId, pageFetchId: null, ...verdict.listingProblem, at: now() }])
      const finishedAt = now()
      await finishListing(target.listingId, verdict, finishedAt)
      const stored = intake.countsOf(target.listingId)
      listings.push({
        source: target.sourceName,
        url: target.url,
        status: verdict.status,
        mode: target.mode ?? 'full',
        lastFullAt: verdict.status === 'complete' ? finishedAt : (started[index]?.lastFullAt ?? null),
        pages: verdict.pages,
        entries: verdict.entries,
        newEntries: stored.newEntries,
        versionsCreated: stored.versionsCreated,
        reason: verdict.reason,
        limited: verdict.limited,
      })
    }
    await saveProbes(db, feeds, feedsDone, now())
    return { listings, stored: targets.map((target) => intake.countsOf(target.listingId)) }
  } catch (error) {
    // pages already fetched are stored before the caller marks the run failed
    await intake.finish().catch(() => undefined)
    throw error
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
