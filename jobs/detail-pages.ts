// The detail-page step of a run, after the listing crawl and before the diff: the own page of every
// new or changed entry version is fetched once (at most `detailPagesPerRun` a run; the rest wait in
// the database for the next runs), stored like any page, and read by its profile's detail parser.
// A cut summary is completed from it (no change), and a WordPress post whose URL changed is folded
// into its entry (the diff then reports it moved, not removed + new).
import { LayoutError } from '../domain/errors.ts'
import { completedSummary, type DetailOutcome, type EntryDetail } from '../domain/detail.ts'
import { fetchDetailPages, type FetchedDetailPage } from '../crawlers/detail-pages.ts'
import type { CrawlSettings } from '../crawlers/listing-crawl.ts'
import {
  completeSummary, insertEntryDetails, isRunDiffed, pendingDetails, recordDetailFetches, type DetailFetchRecord, type PendingDetail,
} from '../db/details.ts'
import { findPostTwin, foldMovedEntry } from '../db/moved-posts.ts'
import { insertHealthEvents, type HealthEventToRecord } from '../db/health-events.ts'
import { storePageBodies } from '../db/pages.ts'
import { decodePage } from '../parsers/decode-page.ts'
import { findDetailParser } from '../parsers/details.ts'
import type { CrawlSource, JobDeps } from './crawl.ts'

export interface DetailPageSettings {
  /**
   * Entries' pages fetched at most in one run; the configuration gives 50 unless told
   * (politeness.detailPagesPerRun). Absent or 0: none (a job called without it fetches no detail pages).
   */
  detailPagesPerRun?: number
}

export interface DetailSummary {
  runId: number
  /** Pages asked in this run. */
  asked: number
  outcomes: Record<DetailOutcome, number>
  /** Cut summaries completed from their pages (no change reported). */
  completed: number
  /** WordPress posts found under a new URL, folded into their entries (reported as moved). */
  moved: number
  /** Versions still waiting for their page (the per-run cap). */
  waiting: number
}

interface ReadPage {
  fetched: FetchedDetailPage
  pending: PendingDetail
  record: DetailFetchRecord
  detail: EntryDetail | null
}

export async function fetchDetailsOfRun(deps: JobDeps, runId: number, sources: readonly CrawlSource[], settings: CrawlSettings & DetailPageSettings): Promise<DetailSummary> {
  const summary: DetailSummary = { runId, asked: 0, outcomes: { read: 0, 'no-block': 0, gone: 0, failed: 0, unasked: 0 }, completed: 0, moved: 0, waiting: 0 }
  const cap = settings.detailPagesPerRun ?? 0
  const readable = sources.filter((source) => findDetailParser(source.profile.id) !== null)
  if (cap === 0 || readable.length === 0) return summary
  const { pending, waiting } = await pendingDetails(deps.db, readable.map((source) => source.name), cap)
  summary.waiting = waiting
  if (pending.length === 0) return summary

  const allowedHosts = new Map(readable.map((source) => [source.name, source.allowedHosts ?? []]))
  const byVersion = new Map(pending.map((page) => [page.versionId, page]))
  const fetched = await fetchDetailPages(
    pending.map((page) => ({ versionId: page.versionId, url: page.url, listingUrl: page.listingUrl, allowedHosts: allowedHosts.get(page.sourceId) ?? [] })),
    settings,
    deps.log,
    deps.now,
  )
  const pages = await readPages(deps, runId, fetched.flatMap((one) => {
    const page = byVersion.get(one.page.versionId)
    return page === undefined ? [] : [{ fetched: one, pending: page }]
  }))
  summary.asked = pages.length
  for (const page of pages) summary.outcomes[page.record.outcome] += 1

  const at = deps.now()
  await deps.db.transaction().execute(async (trx) => {
    const ids = await recordDetailFetches(trx, pages.map((page) => page.record))
    const read = pages.flatMap((page, index) => (page.detail === null ? [] : [{ ...page, detail: page.detail, fetchId: ids[index] ?? 0 }]))
    await insertEntryDetails(trx, read.map((page) => ({ versionId: page.pending.versionId, entryId: page.pending.entryId, fetchId: page.fetchId, detail: page.detail })))
    await insertHealthEvents(trx, healthOf(runId, pages, at))
    // A run already diffed keeps what it saw: folding and completing wait for a version of a later run.
    if (await isRunDiffed(trx, runId)) return
    for (const page of read) {
      const postId = page.detail.postId
      if (postId === null || page.pending.firstSeenRun !== runId) continue
      const twin = await findPostTwin(trx, page.pending.entryId, postId, runId)
      if (twin === null || new URL(twin.url).host !== new URL(page.pending.url).host) continue
      if (await foldMovedEntry(trx, page.pending.entryId, twin.entryId, runId, at)) {
        summary.moved += 1
        deps.log.info({ runId, post: postId, from: twin.url, to: page.pending.url }, 'a post found under a new URL: reported as moved')
      }
    }
    for (const page of read) {
      const full = page.pending.summaryTruncated && page.pending.summary !== null ? completedSummary(page.pending.summary, page.detail.text) : null
      if (full !== null && (await completeSummary(trx, page.pending.versionId, full))) summary.completed += 1
    }
  })
  deps.log.info({ runId, asked: summary.asked, ...summary.outcomes, completed: summary.completed, moved: summary.moved, waiting: summary.waiting }, 'detail pages fetched')
  return summary
}

/** Each page's body stored (content-addressed, like a listing page's) and read; its fetch row made. */
async function readPages(deps: JobDeps, runId: number, pages: { fetched: FetchedDetailPage; pending: PendingDetail }[]): Promise<ReadPage[]> {
  const bodies = pages.map(({ fetched }) => (fetched.asked.kind === 'answered' ? fetched.asked.body : null))
  const hashes = await storePageBodies(deps.db, bodies.flatMap((body) => (body === null ? [] : [body])))
  let next = 0
  return pages.map(({ fetched, pending }, index) => {
    const body = bodies[index] ?? null
    const bodySha256 = body === null ? null : (hashes[next++] ?? null)
    const { outcome, detail, error } = judge(fetched, pending)
    const asked = fetched.asked
    const answered = asked.kind === 'answered' ? asked : null
    const record: DetailFetchRecord = {
      runId,
      entryId: pending.entryId,
      versionId: pending.versionId,
      url: pending.url,
      fetchedUrl: fetched.fetchedUrl,
      finalUrl: answered?.landed ?? null,
      status: answered?.status ?? null,
      contentType: answered?.headers['content-type'] ?? null,
      headers: answered?.headers ?? null,
      bytes: body?.length ?? null,
      durationMs: fetched.durationMs,
      bodySha256,
      outcome,
      error,
      fetchedAt: fetched.fetchedAt,
    }
    return { fetched, pending, record, detail }
  })
}

/** What one answer means; a page that answers is read with its profile's parser. */
function judge({ asked }: FetchedDetailPage, pending: PendingDetail): { outcome: DetailOutcome; detail: EntryDetail | null; error: string | null } {
  switch (asked.kind) {
    case 'unasked':
      return { outcome: 'unasked', detail: null, error: 'robots.txt or the site scope forbids it' }
    case 'left':
      return { outcome: 'gone', detail: null, error: 'redirected off the site or in circles' }
    case 'no-answer':
      return { outcome: 'failed', detail: null, error: asked.reason }
    case 'answered': {
      if (asked.status >= 500 || asked.status === 429 || asked.status === 408) return { outcome: 'failed', detail: null, error: `HTTP ${asked.status}` }
      if (asked.status < 200 || asked.status >= 300 || asked.body === null) return { outcome: 'gone', detail: null, error: `HTTP ${asked.status}` }
      const parse = findDetailParser(pending.profile)
      if (parse === null) return { outcome: 'unasked', detail: null, error: `profile ${pending.profile} reads no detail pages` }
      try {
        const { detail, missingBlock } = parse(decodePage(asked.body, asked.headers['content-type'] ?? null).html, asked.landed)
        if (missingBlock === null) return { outcome: 'read', detail, error: null }
        // the page still names its post (kept: it tells a slug change from a new post), but its text is missing
        return asked.itself ? { outcome: 'no-block', detail, error: missingBlock } : { outcome: 'gone', detail: null, error: missingBlock }
      } catch (error) {
        // a redirect to another kind of page (a home page for a deleted post) is the entry's page gone, not a layout change
        if (error instanceof LayoutError) return { outcome: asked.itself ? 'no-block' : 'gone', detail: null, error: error.message }
        throw error
      }
    }
  }
}

/** One 'detail-layout' health event per listing whose entries' pages lacked the block their profile reads. */
function healthOf(runId: number, pages: readonly ReadPage[], at: Date): HealthEventToRecord[] {
  const byListing = new Map<number, string[]>()
  for (const page of pages) {
    if (page.record.outcome !== 'no-block') continue
    byListing.set(page.pending.listingId, [...(byListing.get(page.pending.listingId) ?? []), page.pending.url])
  }
  return [...byListing].map(([listingId, urls]) => ({
    runId,
    listingId,
    pageFetchId: null,
    problem: 'detail-layout' as const,
    message: `${urls.length} entry page${urls.length === 1 ? '' : 's'} without the block the profile reads (no text read from ${urls.length === 1 ? 'it' : 'them'}): ${urls.slice(0, 3).join(', ')}${urls.length > 3 ? ', ...' : ''}`,
    at,
  }))
}
