// A listing's past reassembled from a web archive's captures of its pages. Captures taken close
// together (within the window) form one moment; a moment is complete only when every page of the
// sequence, from page 1 along its next links to the last, was captured within the window of its
// first capture; otherwise it is partial and nothing is judged removed from it. Each moment is a
// run of kind 'backfill' dated by capture; its pages are stored and read like a crawl's (their
// fetch time is the capture time), so versions are dated by capture. Backfill runs are never
// diffed: they raise no change, no alert. Captures stored before are read back, not fetched.
import type { Kysely } from 'kysely'
import { createBackfillRun, markBackfilledVersions, recordBackfilledRemovals, storedCapture, storedMoments } from '../db/backfill.ts'
import { insertHealthEvents, type HealthEventToRecord } from '../db/health-events.ts'
import { finishListingCrawl, startListingCrawl, upsertListing } from '../db/listings.ts'
import { readPageBody } from '../db/pages.ts'
import { finishRun } from '../db/runs.ts'
import type { Database } from '../db/schema.ts'
import { ArchiveAnswerError, ArchiveLoopError, sameUrl, type CaptureAnswer, type CdxCapture, type WaybackArchive } from '../crawlers/wayback.ts'
import type { SiteProfile } from '../domain/entry.ts'
import type { HealthEvent } from '../domain/change.ts'
import { readListingPage } from './read-page.ts'
import { storeListingPages, type ListingPageInput } from './store-page.ts'

export interface BackfillSource {
  name: string
  profile: SiteProfile
  url: string
  theme: string | null
  maxPages: number
}

export interface BackfillRequest {
  /** 'YYYYMMDD' bounds for the CDX query, or null. */
  from: string | null
  to: string | null
  /** Captures of one moment are at most this far from its first one. */
  windowSeconds: number
}

export interface BackfilledMoment {
  listing: string
  at: Date
  runId: number | null
  /** stored-before: this moment was backfilled before; older-than-history: the listing's own history goes past it already. */
  status: 'complete' | 'partial' | 'failed' | 'stored-before' | 'older-than-history'
  pages: number
  entries: number
  versionsCreated: number
  reason: string | null
  /** Pages captured in the moment with the digest of their capture before: read from that capture, not fetched again. */
  unchanged: { page: number; since: Date }[]
}

export interface BackfillSummary {
  listings: string[]
  captures: number
  fetched: number
  reused: number
  /** Oldest first, the listings' moments merged. */
  moments: BackfilledMoment[]
  /** Listings whose captures could not be listed (the archive down, its index unreadable or endless), and why. */
  unlisted: { listing: string; reason: string }[]
}

export interface BackfillDeps {
  db: Kysely<Database>
  now: () => Date
}

/**
 * Backfills listings from the archive, their moments merged oldest first: each listing's runs are
 * numbered in the order of time, as the queries that order a listing's runs by id expect. A moment
 * older than the listing's own history (its crawls' or backfills') is not added; another listing's
 * history is no bar, and an entry shared with it keeps the versions that history gave it after the
 * moment (versions chain forward in time). So a second call fetches nothing it already has and adds
 * no moment twice.
 */
export async function backfillListings(deps: BackfillDeps, archive: WaybackArchive, sources: readonly BackfillSource[], request: BackfillRequest): Promise<BackfillSummary> {
  const { db } = deps
  const summary: BackfillSummary = { listings: sources.map((source) => source.name), captures: 0, fetched: 0, reused: 0, moments: [], unlisted: [] }
  const planned: { source: BackfillSource; listingId: number; captures: CdxCapture[]; all: CdxCapture[] }[] = []
  for (const source of sources) {
    const listingId = await upsertListing(db, { sourceId: source.name, profile: source.profile.id, url: source.url })
    let captures: CdxCapture[]
    try {
      captures = await archive.captures(source.url, request.from, request.to)
    } catch (error) {
      if (!(error instanceof ArchiveAnswerError)) throw error
      // a failed run of its own tells the operator what the archive answered; no moment of the listing was read
      const runId = await createBackfillRun(db, deps.now(), deps.now())
      await insertHealthEvents(db, [{ runId, listingId, pageFetchId: null, problem: error instanceof ArchiveLoopError ? 'incomplete' : 'fetch-failed', message: error.message, at: deps.now() }])
      await finishRun(db, runId, { status: 'failed', pagesFetched: 0, entriesSeen: 0, versionsCreated: 0, error: error.message }, deps.now())
      summary.moments.push({ listing: source.name, at: deps.now(), runId, status: 'failed', pages: 0, entries: 0, versionsCreated: 0, reason: error.message, unchanged: [] })
      summary.unlisted.push({ listing: source.name, reason: error.message })
      continue
    }
    summary.captures += captures.length
    for (const moment of momentsOf(captures, request.windowSeconds)) planned.push({ source, listingId, captures: moment, all: captures })
  }
  const stored = await storedMoments(db)
  // each listing's history extends forward from its own latest moment: another listing's history is no bar
  const latest = new Map<number, number>()
  for (const known of stored) latest.set(known.listingId, Math.max(latest.get(known.listingId) ?? Number.NEGATIVE_INFINITY, known.at.getTime()))
  const time = (moment: (typeof planned)[number]) => moment.captures[0]?.at.getTime() ?? 0
  for (const moment of planned.sort((a, b) => time(a) - time(b))) {
    const at = new Date(time(moment))
    const skip = (status: 'stored-before' | 'older-than-history', reason: string) =>
      summary.moments.push({ listing: moment.source.name, at, runId: null, status, pages: 0, entries: 0, versionsCreated: 0, reason, unchanged: [] })
    if (stored.some((known) => known.listingId === moment.listingId && known.at.getTime() === at.getTime())) {
      skip('stored-before', 'backfilled before')
      continue
    }
    const own = latest.get(moment.listingId)
    if (own !== undefined && at.getTime() < own) {
      skip('older-than-history', `older than the listing's own history (to ${new Date(own).toISOString()}): its history extends forward only`)
      continue
    }
    latest.set(moment.listingId, at.getTime())
    summary.moments.push(await backfillMoment(deps, archive, moment.source, moment.listingId, moment.captures, moment.all, request.windowSeconds, summary))
  }
  return summary
}

/** Captures grouped into moments: a new moment starts with a capture more than the window after the first of the current one. */
export function momentsOf(captures: readonly CdxCapture[], windowSeconds: number): CdxCapture[][] {
  const sorted = [...captures].sort((a, b) => a.at.getTime() - b.at.getTime())
  const moments: CdxCapture[][] = []
  for (const capture of sorted) {
    const current = moments.at(-1)
    const first = current?.[0]
    if (current !== undefined && first !== undefined && capture.at.getTime() - first.at.getTime() <= windowSeconds * 1000) current.push(capture)
    else moments.push([capture])
  }
  return moments
}

async function backfillMoment(
  deps: BackfillDeps,
  archive: WaybackArchive,
  source: BackfillSource,
  listingId: number,
  moment: readonly CdxCapture[],
  all: readonly CdxCapture[],
  windowSeconds: number,
  summary: BackfillSummary,
): Promise<BackfilledMoment> {
  const { db } = deps
  const at = moment[0]?.at ?? deps.now()
  const runId = await createBackfillRun(db, at, deps.now())
  await startListingCrawl(db, runId, listingId, at)
  const health: HealthEventToRecord[] = []
  const problem = (kind: HealthEvent['problem'], message: string, pageFetchId: number | null = null) => health.push({ runId, listingId, pageFetchId, problem: kind, message, at: deps.now() })
  let url: string | null = source.url
  let pageNumber = 0
  let entries = 0
  let versionsCreated = 0
  let reason: string | null = null
  let lastAt = at
  const unchanged: BackfilledMoment['unchanged'] = []
  const seenKeys = new Set<string>()
  const visited = new Set<string>()
  while (url !== null) {
    pageNumber += 1
    const pageUrl: string = url
    // a next link back to a page read is a loop; the page limit bounds a sequence that never ends
    if (visited.has(pageUrl)) {
      reason = `page ${pageNumber - 1}: the next link leads back to ${pageUrl}`
      problem('incomplete', reason)
      break
    }
    if (pageNumber > source.maxPages) {
      reason = `stopped at its page limit (${source.maxPages})`
      problem('incomplete', reason)
      break
    }
    visited.add(pageUrl)
    const capture = moment.find((candidate) => sameUrl(candidate.original, pageUrl))
    if (capture === undefined) {
      reason = `page ${pageNumber} (${pageUrl}) was not captured within ${describeWindow(windowSeconds)} of ${at.toISOString()}`
      problem('incomplete', reason)
      break
    }
    lastAt = capture.at
    // the digest says the page has not changed since an earlier capture: its bytes are those, when stored
    const since = unchangedSince(all, capture)
    if (since !== null) unchanged.push({ page: pageNumber, since: since.at })
    const got = await captureBytes(db, archive, capture, since, summary)
    const base = { runId, listingId, pageNumber, canonicalUrl: pageUrl, fetchedUrl: archive.captureUrl(capture), durationMs: got.durationMs, attempts: 1, firstPosition: entries + 1, theme: source.theme, themeSource: source.profile.themeSource }
    const storeAt = { db, now: () => capture.at, momentAt: at }
    if (got.kind === 'refused') {
      const [page] = await storeListingPages(storeAt, [{ ...base, status: got.status, contentType: got.headers?.['content-type'] ?? null, headers: got.headers, body: null, charset: null, outcome: 'fetch-failed', error: got.reason, entries: null }])
      reason = `page ${pageNumber}: ${got.reason}`
      problem('fetch-failed', got.reason, page?.pageFetchId ?? null)
      break
    }
    const read = readListingPage(source.profile, { canonicalUrl: pageUrl, body: got.body, headers: got.headers, knownCharset: null, notice: null }, null)
    const outcome = read.outcome
    const input: ListingPageInput = {
      ...base,
      status: got.status,
      contentType: got.headers['content-type'] ?? null,
      headers: got.headers,
      body: got.body,
      charset: read.charset,
      outcome: outcome.kind,
      error: outcome.kind === 'fetched' ? null : outcome.kind === 'health-failed' ? outcome.problem.message : outcome.kind === 'layout-error' ? outcome.reason : null,
      entries: outcome.kind === 'fetched' ? outcome.page.entries : null,
    }
    const [page] = await storeListingPages(storeAt, [input])
    if (outcome.kind !== 'fetched') {
      // an archive's error page, or a page the profile cannot read: nothing taken from it
      reason = `page ${pageNumber} (${archive.captureUrl(capture)}): ${input.error ?? outcome.kind}`
      problem(outcome.kind === 'health-failed' ? outcome.problem.problem : 'layout', input.error ?? outcome.kind, page?.pageFetchId ?? null)
      break
    }
    for (const entry of outcome.page.entries) seenKeys.add(entry.key)
    entries += outcome.page.entries.length
    versionsCreated += page?.versionsCreated ?? 0
    url = outcome.page.nextPage
  }
  const status = reason === null ? 'complete' : pageNumber > 1 || entries > 0 ? 'partial' : 'failed'
  await markBackfilledVersions(db, runId)
  if (status === 'complete') await recordBackfilledRemovals(db, runId, listingId, at)
  await insertHealthEvents(db, health)
  await finishListingCrawl(db, runId, listingId, { status, pages: reason === null ? pageNumber : pageNumber - 1, entries: seenKeys.size, reason }, lastAt)
  await finishRun(db, runId, { status, pagesFetched: pageNumber, entriesSeen: seenKeys.size, versionsCreated, error: reason }, lastAt)
  return { listing: source.name, at, runId, status, pages: reason === null ? pageNumber : pageNumber - 1, entries: seenKeys.size, versionsCreated, reason, unchanged }
}

/** The first of the page's captures before this one that all have its digest (the page unchanged since), or null. */
export function unchangedSince(all: readonly CdxCapture[], capture: CdxCapture): CdxCapture | null {
  const before = all.filter((other) => sameUrl(other.original, capture.original) && other.at < capture.at).sort((a, b) => b.at.getTime() - a.at.getTime())
  let since: CdxCapture | null = null
  for (const other of before) {
    if (other.digest !== capture.digest) break
    since = other
  }
  return since
}

/**
 * A capture's bytes: those stored by an earlier backfill; else, for a page unchanged since an earlier
 * capture, that capture's when it was stored and read; else fetched from the archive.
 */
async function captureBytes(db: Kysely<Database>, archive: WaybackArchive, capture: CdxCapture, since: CdxCapture | null, summary: BackfillSummary): Promise<CaptureAnswer> {
  const own = await storedCapture(db, archive.captureUrl(capture))
  const earlier = own === null && since !== null ? await storedCapture(db, archive.captureUrl(since)) : null
  const known = own ?? (earlier?.outcome === 'fetched' ? earlier : null)
  const body = known?.body_sha256 ? await readPageBody(db, known.body_sha256) : null
  if (known !== null && body !== null) {
    summary.reused += 1
    return { kind: 'capture', status: known.status ?? 200, headers: known.headers ?? {}, body, durationMs: 0 }
  }
  summary.fetched += 1
  return archive.fetchCapture(capture)
}

function describeWindow(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} h` : `${seconds} s`
}
