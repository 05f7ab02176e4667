// What the listing page shows beside its snapshot (db/snapshot.ts): its recent crawls, each with
// the health events it raised, and its open operator problems. Read-only.
import type { Kysely } from 'kysely'
import type { HealthProblem, ListingCrawlStatus, RunKind } from './schema.ts'
import type { Database } from './schema.ts'
import { openProblems, type OpenProblem } from './operator-problems.ts'

type Db = Kysely<Database>

export interface CrawlHealthEvent {
  problem: HealthProblem
  message: string
  /** The stored page it was raised on; null for a problem of the whole listing. */
  pageFetchId: number | null
}

export interface RecentCrawl {
  runId: number
  /** 'full' reads every page; 'incremental' stopped on a page that brought nothing new; 'backfill' came from web-archive captures. */
  mode: 'full' | 'incremental' | 'backfill'
  status: ListingCrawlStatus
  startedAt: Date
  finishedAt: Date | null
  pages: number
  entries: number
  reason: string | null
  health: CrawlHealthEvent[]
}

export interface ListingRow {
  id: number
  source: string
  url: string
  profile: string
}

export async function listingBySource(db: Db, source: string): Promise<ListingRow | null> {
  const row = await db.selectFrom('listing').select(['id', 'source_id as source', 'url', 'profile']).where('source_id', '=', source).executeTakeFirst()
  return row ?? null
}

/** The listing's latest crawls, newest first, with their health events. */
export async function recentCrawls(db: Db, listingId: number, limit: number): Promise<RecentCrawl[]> {
  const crawls = await db
    .selectFrom('listing_crawl as c')
    .innerJoin('crawl_run as r', 'r.id', 'c.run_id')
    .select(['c.run_id', 'c.status', 'c.started_at', 'c.finished_at', 'c.pages', 'c.entries', 'c.reason', 'r.kind'])
    .where('c.listing_id', '=', listingId)
    .orderBy('c.run_id', 'desc')
    .limit(limit)
    .execute()
  if (crawls.length === 0) return []
  const events = await db
    .selectFrom('health_event')
    .select(['run_id', 'problem', 'message', 'page_fetch_id'])
    .where('listing_id', '=', listingId)
    .where('run_id', 'in', crawls.map((crawl) => crawl.run_id))
    .orderBy('id')
    .execute()
  return crawls.map((crawl) => ({
    runId: crawl.run_id,
    mode: modeOf(crawl.kind, crawl.status),
    status: crawl.status,
    startedAt: crawl.started_at,
    finishedAt: crawl.finished_at,
    pages: crawl.pages,
    entries: crawl.entries,
    reason: crawl.reason,
    health: events.filter((event) => event.run_id === crawl.run_id).map((event) => ({ problem: event.problem, message: event.message, pageFetchId: event.page_fetch_id })),
  }))
}

function modeOf(kind: RunKind, status: ListingCrawlStatus): RecentCrawl['mode'] {
  if (kind === 'backfill') return 'backfill'
  return status === 'incremental' ? 'incremental' : 'full'
}

/** The operator problems open on this listing (its health and crawl failures), oldest first. */
export async function openProblemsOfListing(db: Db, listingId: number): Promise<OpenProblem[]> {
  return (await openProblems(db)).filter((problem) => problem.listingId === listingId)
}
