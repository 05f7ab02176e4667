// The operator's problems: what a run or a channel got wrong, open until a later run no longer
// sees it. One row per problem, so a failure repeated every hour is told once, then resolved once.
import { sql, type Kysely } from 'kysely'
import type { Database } from './schema.ts'

type Db = Kysely<Database>

export interface ProblemSighting {
  /** e.g. "health:documents:layout", "crawl:news", "failing:mobility-mail", "dead:mobility-mail" */
  problem: string
  listingId: number | null
  message: string
}

export interface OpenProblem extends ProblemSighting {
  listing: { source: string; url: string } | null
  firstRun: number
  lastRun: number
  occurrences: number
  openedAt: Date
}

export async function openProblems(db: Db): Promise<OpenProblem[]> {
  const rows = await db
    .selectFrom('operator_problem as p')
    .leftJoin('listing as l', 'l.id', 'p.listing_id')
    .select(['p.problem', 'p.listing_id', 'p.message', 'p.first_run', 'p.last_run', 'p.occurrences', 'p.opened_at', 'l.source_id', 'l.url'])
    .where('p.resolved_at', 'is', null)
    .orderBy('p.opened_at')
    .orderBy('p.problem')
    .execute()
  return rows.map((row) => ({
    problem: row.problem,
    listingId: row.listing_id,
    message: row.message,
    listing: row.source_id === null || row.url === null ? null : { source: row.source_id, url: row.url },
    firstRun: row.first_run,
    lastRun: row.last_run,
    occurrences: row.occurrences,
    openedAt: row.opened_at,
  }))
}

/**
 * What run R got wrong, per listing: each kind of health problem once (its first message), and
 * a failed or partial crawl that has no health event to explain it (its reason).
 */
export async function problemsOfRun(db: Db, runId: number): Promise<{ problems: ProblemSighting[]; crawledListingIds: number[] }> {
  const health = await sql<ProblemSighting>`
    select distinct on (h.listing_id, h.problem) 'health:' || l.source_id || ':' || h.problem as problem, h.listing_id as "listingId", h.message
    from health_event h join listing l on l.id = h.listing_id
    where h.run_id = ${runId}
    order by h.listing_id, h.problem, h.id`.execute(db)
  const crawls = await db
    .selectFrom('listing_crawl as lc')
    .innerJoin('listing as l', 'l.id', 'lc.listing_id')
    .select(['lc.listing_id', 'lc.status', 'lc.reason', 'l.source_id'])
    .where('lc.run_id', '=', runId)
    .execute()
  const explained = new Set(health.rows.map((row) => row.listingId))
  const crawlProblems = crawls
    .filter((crawl) => (crawl.status === 'failed' || crawl.status === 'partial') && crawl.reason !== null && !explained.has(crawl.listing_id))
    .map((crawl) => ({ problem: `crawl:${crawl.source_id}`, listingId: crawl.listing_id, message: `${crawl.status}: ${crawl.reason}` }))
  return { problems: [...health.rows, ...crawlProblems], crawledListingIds: crawls.map((crawl) => crawl.listing_id) }
}

/** Opens the problem, or opens it again after it was resolved. */
export async function openProblem(db: Db, sighting: ProblemSighting, runId: number, at: Date): Promise<void> {
  await db
    .insertInto('operator_problem')
    .values({ problem: sighting.problem, listing_id: sighting.listingId, message: sighting.message, first_run: runId, last_run: runId, opened_at: at, resolved_at: null })
    .onConflict((oc) =>
      oc.column('problem').doUpdateSet({ listing_id: sighting.listingId, message: sighting.message, first_run: runId, last_run: runId, occurrences: 1, opened_at: at, resolved_at: null }),
    )
    .execute()
}

/** Seen again in a later run: counted, not told again. */
export async function touchProblem(db: Db, problem: string, runId: number, message: string): Promise<void> {
  await db
    .updateTable('operator_problem')
    .set((eb) => ({ last_run: runId, message, occurrences: eb('occurrences', '+', 1) }))
    .where('problem', '=', problem)
    .where('last_run', '<', runId)
    .execute()
}

export async function resolveProblem(db: Db, problem: string, at: Date): Promise<void> {
  await db.updateTable('operator_problem').set({ resolved_at: at }).where('problem', '=', problem).where('resolved_at', 'is', null).execute()
}

export interface MessageOutcome {
  subscription: string
  status: 'sent' | 'dead'
  dead: number
  lastError: string | null
}

/** Each subscription's latest finished message (sent or dead), and how many of its messages are dead. */
export async function latestMessageOutcomes(db: Db): Promise<MessageOutcome[]> {
  const { rows } = await sql<MessageOutcome>`
    select distinct on (m.subscription) m.subscription, m.status,
      (select count(*)::int from delivery_message d where d.subscription = m.subscription and d.status = 'dead') as dead,
      m.last_error as "lastError"
    from delivery_message m
    where m.status in ('sent', 'dead')
    order by m.subscription, m.id desc`.execute(db)
  return rows
}

export interface FailingSubscription {
  subscription: string
  /** Failed attempts of its oldest message waiting for a retry. */
  attempts: number
  lastError: string | null
  nextAttemptAt: Date
}

/** Subscriptions with a message that failed and waits for its retry (its oldest such message). */
export async function failingSubscriptions(db: Db): Promise<FailingSubscription[]> {
  const { rows } = await sql<FailingSubscription>`
    select distinct on (m.subscription) m.subscription, m.attempts, m.last_error as "lastError", m.next_attempt_at as "nextAttemptAt"
    from delivery_message m
    where m.status = 'pending' and m.attempts > 0
    order by m.subscription, m.id`.execute(db)
  return rows
}

export async function latestRun(db: Db): Promise<number> {
  const row = await db.selectFrom('crawl_run').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst()
  return row?.id ?? 0
}
