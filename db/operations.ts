// What the operations page shows and the one repair it offers: runs and their results, health
// problems open and resolved, each subscription's deliveries, and a dead message sent again.
import { sql, type Kysely } from 'kysely'
import type { Database, DeliveryMessageStatus, RunKind, RunStatus } from './schema.ts'

type Db = Kysely<Database>

export interface RunResult {
  id: number
  kind: RunKind
  status: RunStatus
  startedAt: Date
  finishedAt: Date | null
  pagesFetched: number
  entriesSeen: number
  versionsCreated: number
  error: string | null
  /** Listing crawls by status: complete, incremental, partial, failed, running. */
  crawls: Record<string, number>
  /** Change events recorded for the run, baselines left out. */
  changes: number
  healthEvents: number
}

/** Runs newest first, those with an id below `before` when given. */
export async function recentRuns(db: Db, limit: number, before: number | null = null): Promise<RunResult[]> {
  const rows = await db
    .selectFrom('crawl_run as r')
    .selectAll('r')
    .select((eb) => [
      sql<Record<string, number> | null>`(select jsonb_object_agg(s.status, s.n) from (select c.status, count(*)::int as n from listing_crawl c where c.run_id = r.id group by c.status) s)`.as('crawls'),
      eb.selectFrom('change_event as e').select((e) => e.fn.countAll<number>().as('n')).whereRef('e.run_id', '=', 'r.id').where('e.baseline', '=', false).as('changes'),
      eb.selectFrom('health_event as h').select((h) => h.fn.countAll<number>().as('n')).whereRef('h.run_id', '=', 'r.id').as('health_events'),
    ])
    .$if(before !== null, (qb) => qb.where('r.id', '<', before as number))
    .orderBy('r.id', 'desc')
    .limit(limit)
    .execute()
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    pagesFetched: row.pages_fetched,
    entriesSeen: row.entries_seen,
    versionsCreated: row.versions_created,
    error: row.error,
    crawls: row.crawls ?? {},
    changes: Number(row.changes ?? 0),
    healthEvents: Number(row.health_events ?? 0),
  }))
}

export interface ProblemRow {
  problem: string
  listing: string | null
  message: string
  firstRun: number
  lastRun: number
  occurrences: number
  openedAt: Date
  resolvedAt: Date | null
}

/** Operator problems, the open ones first (oldest first), then those resolved (latest first). */
export async function operatorProblems(db: Db, resolvedLimit: number): Promise<ProblemRow[]> {
  const select = db
    .selectFrom('operator_problem as p')
    .leftJoin('listing as l', 'l.id', 'p.listing_id')
    .select(['p.problem', 'l.source_id as listing', 'p.message', 'p.first_run as firstRun', 'p.last_run as lastRun', 'p.occurrences', 'p.opened_at as openedAt', 'p.resolved_at as resolvedAt'])
  const [open, resolved] = await Promise.all([
    select.where('p.resolved_at', 'is', null).orderBy('p.opened_at').orderBy('p.problem').execute(),
    select.where('p.resolved_at', 'is not', null).orderBy('p.resolved_at', 'desc').orderBy('p.problem').limit(resolvedLimit).execute(),
  ])
  return [...open, ...resolved]
}

export interface HealthEventRow {
  id: number
  runId: number
  listing: string
  problem: string
  message: string
  pageFetchId: number | null
  at: Date
}

/** Parser health events, newest first. */
export async function recentHealthEvents(db: Db, limit: number): Promise<HealthEventRow[]> {
  return db
    .selectFrom('health_event as h')
    .innerJoin('listing as l', 'l.id', 'h.listing_id')
    .select(['h.id', 'h.run_id as runId', 'l.source_id as listing', 'h.problem', 'h.message', 'h.page_fetch_id as pageFetchId', 'h.created_at as at'])
    .orderBy('h.id', 'desc')
    .limit(limit)
    .execute()
}

/** 'waiting': not tried yet; 'failing': failed, waiting for its retry; 'dead': given up on. */
export type MessageState = 'sent' | 'waiting' | 'failing' | 'dead'

export interface MessageRow {
  id: number
  subscription: string
  kind: 'changes' | 'operator'
  state: MessageState
  attempts: number
  nextAttemptAt: Date
  lastError: string | null
  createdAt: Date
  sentAt: Date | null
  /** Change events it carries (an operator message carries notices instead). */
  events: number
}

export interface MessageFilter {
  subscription: string | null
  state: MessageState | null
  limit: number
  /** Messages with an id below this one (the next page). */
  before: number | null
}

/** Delivery messages newest first. */
export async function deliveryMessages(db: Db, filter: MessageFilter): Promise<MessageRow[]> {
  const rows = await db
    .selectFrom('delivery_message as m')
    .select((eb) => [
      'm.id',
      'm.subscription',
      'm.kind',
      'm.status',
      'm.attempts',
      'm.next_attempt_at as nextAttemptAt',
      'm.last_error as lastError',
      'm.created_at as createdAt',
      'm.sent_at as sentAt',
      eb.selectFrom('delivery as d').select((d) => d.fn.countAll<number>().as('n')).whereRef('d.message_id', '=', 'm.id').as('events'),
    ])
    .$if(filter.subscription !== null, (qb) => qb.where('m.subscription', '=', filter.subscription as string))
    .$if(filter.state === 'sent' || filter.state === 'dead', (qb) => qb.where('m.status', '=', filter.state as 'sent' | 'dead'))
    .$if(filter.state === 'waiting', (qb) => qb.where('m.status', '=', 'pending').where('m.attempts', '=', 0))
    .$if(filter.state === 'failing', (qb) => qb.where('m.status', '=', 'pending').where('m.attempts', '>', 0))
    .$if(filter.before !== null, (qb) => qb.where('m.id', '<', filter.before as number))
    .orderBy('m.id', 'desc')
    .limit(filter.limit)
    .execute()
  return rows.map(({ status, events, ...row }) => ({ ...row, state: stateOf(status, row.attempts), events: Number(events ?? 0) }))
}

function stateOf(status: DeliveryMessageStatus, attempts: number): MessageState {
  if (status === 'pending') return attempts === 0 ? 'waiting' : 'failing'
  return status
}

/** 'resent': dead, now pending again; 'pending': already waiting to be sent (a second resend changes nothing); 'sent': never sent twice. */
export type ResendOutcome = 'resent' | 'pending' | 'sent'

/**
 * A dead message pending again, due at `at`, with a fresh count of attempts (its last error kept
 * until it is sent); null when there is no such message.
 */
export async function resendMessage(db: Db, messageId: number, at: Date): Promise<ResendOutcome | null> {
  const updated = await db
    .updateTable('delivery_message')
    .set({ status: 'pending', attempts: 0, next_attempt_at: at })
    .where('id', '=', messageId)
    .where('status', '=', 'dead')
    .returning('id')
    .executeTakeFirst()
  if (updated !== undefined) return 'resent'
  const row = await db.selectFrom('delivery_message').select('status').where('id', '=', messageId).executeTakeFirst()
  if (row === undefined) return null
  return row.status === 'sent' ? 'sent' : 'pending'
}
