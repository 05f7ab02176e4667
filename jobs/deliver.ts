// The deliver job: puts each subscription's waiting deliveries into messages when its cadence
// says so, then sends every due message through its channel, committing each outcome as soon as
// its send ends: a process killed mid-way re-sends at most the messages in flight. A message
// keeps its key across attempts, so a receiver that dedupes sees even those once.
import { CronExpressionParser } from 'cron-parser'
import PQueue from 'p-queue'
import type { Kysely } from 'kysely'
import {
  addSubscriptions, claimDeliveries, eventIdsOfMessages, eventIdsSince, insertDeliveries, lockDueMessages, markMessageFailed,
  markMessageSent, recentEventIds, releaseMessages, setLastDigest, storedSubscriptions,
} from '../db/outbox.ts'
import { eventsByIds } from '../db/report-queries.ts'
import type { Database, DeliveryMessage } from '../db/schema.ts'
import { DeliveryError, OPERATOR, type Alert, type AlertChannel, type OperatorNotice } from '../domain/alert.ts'
import { buildReport, type ReportRun } from '../domain/change-report.ts'
import type { ChangeEvent } from '../domain/change.ts'
import type { ChangeMatcher } from '../domain/subscription.ts'
import type { JobDeps } from './crawl.ts'
import { noteDeliveryProblems } from './operator.ts'
import { loadReportRuns } from './report.ts'

export type Cadence = { kind: 'immediate' } | { kind: 'digest'; cron: string; timeZone: string }

/** A configured subscription, with its channel open. */
export interface Subscriber {
  name: string
  matches: ChangeMatcher
  cadence: Cadence
  /** Events one message carries at most (1: a webhook told of each change on its own). */
  eventsPerMessage: number
  channel: AlertChannel
  /** Also the changes recorded since then, when it is first seen. */
  since: Date | null
}

export interface RetryPolicy {
  /** Failed attempts after which a message is dead. */
  maxAttempts: number
  retryBaseSeconds: number
  maxRetrySeconds: number
}

export interface Outbox {
  subscribers: Subscriber[]
  /** Where health problems and dead deliveries are told; null: nowhere but `status`. */
  operator: AlertChannel | null
  retry: RetryPolicy
}

export interface DeliverySummary {
  sent: number
  failed: number
  dead: number
  /** Per subscription: messages sent, and the last error of one that failed. */
  bySubscription: Map<string, { sent: number; failed: number; dead: number; lastError: string | null }>
}

// messages locked (and their events read) at a time; each outcome is committed as its send ends
const MESSAGES_PER_LOCK = 100

/**
 * Records the subscriptions seen for the first time: they start with the next run, or with the
 * changes since their `since` date. Run before a crawl, so that its changes reach them.
 */
export async function registerSubscriptions(deps: JobDeps, subscribers: readonly Subscriber[]): Promise<string[]> {
  if (subscribers.length === 0) return []
  return deps.db.transaction().execute(async (trx) => {
    const added = await addSubscriptions(trx, subscribers.map((subscriber) => subscriber.name), deps.now())
    for (const subscriber of subscribers.filter((s) => added.includes(s.name) && s.since !== null)) {
      const events = await eventsByIds(trx, await eventIdsSince(trx, subscriber.since as Date))
      await insertDeliveries(trx, events.filter(subscriber.matches).map((event) => ({ eventId: event.id, subscription: subscriber.name })), deps.now())
    }
    if (added.length > 0) deps.log.info({ subscriptions: added }, 'subscriptions added')
    return added
  })
}

/**
 * The deliveries of one run's events: called by the diff inside its transaction, so that the
 * events and their deliveries are recorded together. Baseline events are never delivered.
 */
export async function recordDeliveries(trx: Kysely<Database>, runId: number, events: readonly ChangeEvent[], rules: readonly Pick<Subscriber, 'name' | 'matches'>[], at: Date): Promise<number> {
  if (rules.length === 0 || events.length === 0) return 0
  const stored = await storedSubscriptions(trx)
  const open = rules.filter((rule) => (stored.get(rule.name)?.startRun ?? Number.POSITIVE_INFINITY) <= runId)
  const deliveries = events
    .filter((event) => !event.baseline)
    .flatMap((event) => open.filter((rule) => rule.matches(event)).map((rule) => ({ eventId: event.id, subscription: rule.name })))
  return insertDeliveries(trx, deliveries, at)
}

/** Claims what is due into messages, then sends every due message; one channel's failure never stops another. */
export async function deliverPending(deps: JobDeps, outbox: Outbox): Promise<DeliverySummary> {
  await claimDue(deps, outbox.subscribers)
  const summary = await sendDue(deps, outbox, null)
  // a delivery given up (or back to health) is the operator's news, told in this same call
  const notices = await noteDeliveryProblems(deps.db, deps.now(), outbox.operator !== null)
  if (notices.length > 0 && outbox.operator !== null) {
    const told = await sendDue(deps, outbox, OPERATOR)
    summary.sent += told.sent
    summary.failed += told.failed
    summary.dead += told.dead
    for (const [name, tally] of told.bySubscription) summary.bySubscription.set(name, tally)
  }
  await restoreStanding(deps, outbox.subscribers)
  if (summary.sent + summary.failed + summary.dead > 0) deps.log.info({ sent: summary.sent, failed: summary.failed, dead: summary.dead }, 'deliveries sent')
  return summary
}

async function sendDue(deps: JobDeps, outbox: Outbox, only: string | null): Promise<DeliverySummary> {
  const channels = new Map<string, { channel: AlertChannel; cadence: Cadence['kind'] }>(
    outbox.subscribers.map((subscriber) => [subscriber.name, { channel: subscriber.channel, cadence: subscriber.cadence.kind }]),
  )
  if (outbox.operator !== null) channels.set(OPERATOR, { channel: outbox.operator, cadence: 'immediate' })
  if (only !== null) for (const name of channels.keys()) if (name !== only) channels.delete(name)
  const summary: DeliverySummary = { sent: 0, failed: 0, dead: 0, bySubscription: new Map() }
  // a subscription whose message failed waits for its next turn: its receiver is likely down
  const resting = new Set<string>()
  // one session for the whole turn: it holds the messages' locks, and each outcome commits on its own
  await deps.db.connection().execute(async (session) => {
    for (;;) {
      const active = [...channels.keys()].filter((name) => !resting.has(name))
      const { messages, candidates } = await lockDueMessages(session, active, deps.now(), MESSAGES_PER_LOCK)
      try {
        const eventIds = await eventIdsOfMessages(session, messages.filter((m) => m.kind === 'changes').map((m) => m.id))
        const events = new Map((await eventsByIds(session, [...eventIds.values()].flat())).map((event) => [event.id, event]))
        // the runs the messages' changes come from, as the report shows them (status, times)
        const runs = await loadReportRuns(session, [...new Set([...events.values()].map((event) => event.runId))])
        const outgoing: Outgoing[] = []
        for (const message of messages) {
          const target = channels.get(message.subscription)
          if (target === undefined) continue
          const alert = alertOf(message, target.cadence, (eventIds.get(message.id) ?? []).flatMap((id) => events.get(id) ?? []), runs, deps.now())
          if (target.channel.historyItems) alert.history = newestFirst(await eventsByIds(session, await recentEventIds(session, message.subscription, target.channel.historyItems)))
          outgoing.push({ message, alert, channel: target.channel })
        }
        await sendAll(outgoing, resting, (message, error) => recordOutcome(deps, session, outbox.retry, summary, message, error))
      } finally {
        await releaseMessages(session, messages.map((message) => message.id))
      }
      if (candidates < MESSAGES_PER_LOCK) break
    }
  })
  return summary
}

/**
 * A feed file missing after the sends (the baseline run, which sends nothing, or a file deleted) is
 * written from its subscription's history, possibly empty, so that readers never get a 404. A
 * failure is logged and never fails the run: the next run tries again.
 */
async function restoreStanding(deps: JobDeps, subscribers: readonly Subscriber[]): Promise<void> {
  for (const { name, channel } of subscribers) {
    if (channel.restore === undefined) continue
    const history = async () => newestFirst(await eventsByIds(deps.db, await recentEventIds(deps.db, name, channel.historyItems ?? 0)))
    try {
      await channel.restore(history, deps.now())
    } catch (error) {
      deps.log.warn({ subscription: name, error: describeFailure(error).message }, 'feed not written')
    }
  }
}

interface Outgoing {
  message: DeliveryMessage
  alert: Alert
  channel: AlertChannel
}

/** Commits one message's outcome, right after its send, and counts it. */
async function recordOutcome(deps: JobDeps, session: Kysely<Database>, retry: RetryPolicy, summary: DeliverySummary, message: DeliveryMessage, error: DeliveryError | null): Promise<void> {
  const tally = summary.bySubscription.get(message.subscription) ?? { sent: 0, failed: 0, dead: 0, lastError: null }
  summary.bySubscription.set(message.subscription, tally)
  if (error === null) {
    await markMessageSent(session, message.id, deps.now())
    tally.sent += 1
    summary.sent += 1
    return
  }
  const nextAttemptAt = nextAttempt(message, error, retry, deps.now())
  await markMessageFailed(session, { messageId: message.id, error: error.message, nextAttemptAt })
  tally.lastError = error.message
  if (nextAttemptAt === null) {
    tally.dead += 1
    summary.dead += 1
  } else {
    tally.failed += 1
    summary.failed += 1
  }
  deps.log.warn({ subscription: message.subscription, message: message.key, attempts: message.attempts + 1, dead: nextAttemptAt === null, error: error.message }, 'delivery failed')
}

/**
 * Sends each subscription's messages in order, as many at once as its channel takes (a webhook
 * several, Slack one: it asks for a message a second); subscriptions side by side. Each outcome
 * is recorded before its channel's next message starts. After a failure, a subscription's
 * messages not yet started wait for the next turn (no outcome).
 */
async function sendAll(outgoing: Outgoing[], resting: Set<string>, record: (message: DeliveryMessage, error: DeliveryError | null) => Promise<void>): Promise<void> {
  const bySubscription = new Map<string, Outgoing[]>()
  for (const item of outgoing) bySubscription.set(item.message.subscription, [...(bySubscription.get(item.message.subscription) ?? []), item])
  await Promise.all(
    [...bySubscription.values()].map(async (items) => {
      const queue = new PQueue({ concurrency: items[0]?.channel.concurrency ?? 1 })
      await Promise.all(
        items.map((item) =>
          queue.add(async () => {
            if (resting.has(item.message.subscription)) return
            let error: DeliveryError | null = null
            try {
              await item.channel.send(item.alert)
            } catch (failure) {
              resting.add(item.message.subscription)
              error = describeFailure(failure)
            }
            await record(item.message, error)
          }),
        ),
      )
    }),
  )
}

/** Puts waiting deliveries into messages: at once for immediate subscriptions, at their cron time for digests. */
async function claimDue(deps: JobDeps, subscribers: readonly Subscriber[]): Promise<void> {
  if (subscribers.length === 0) return
  await deps.db.transaction().execute(async (trx) => {
    const stored = await storedSubscriptions(trx)
    for (const subscriber of subscribers) {
      const known = stored.get(subscriber.name)
      if (known === undefined) continue
      if (subscriber.cadence.kind === 'immediate') {
        await claimDeliveries(trx, subscriber.name, subscriber.eventsPerMessage, deps.now())
        continue
      }
      const tick = lastTick(subscriber.cadence, deps.now())
      if (tick > (known.lastDigestAt ?? known.createdAt)) {
        await claimDeliveries(trx, subscriber.name, subscriber.eventsPerMessage, deps.now())
        await setLastDigest(trx, subscriber.name, tick)
      }
    }
  })
}

/** The latest time at or before `now` that the digest's cron names, in its time zone. */
export function lastTick(cadence: { cron: string; timeZone: string }, now: Date): Date {
  const expression = CronExpressionParser.parse(cadence.cron, { currentDate: new Date(now.getTime() + 1000), tz: cadence.timeZone })
  return expression.prev().toDate()
}

/** The next time the digest's cron names after `now`. */
export function nextTick(cadence: { cron: string; timeZone: string }, now: Date): Date {
  return CronExpressionParser.parse(cadence.cron, { currentDate: now, tz: cadence.timeZone }).next().toDate()
}

function alertOf(message: DeliveryMessage, cadence: Cadence['kind'], events: ChangeEvent[], runs: readonly ReportRun[], now: Date): Alert {
  const notices: OperatorNotice[] = (message.notices ?? []).map((notice) => ({ ...notice, since: new Date(notice.since) }))
  const runIds = [...new Set(events.map((event) => event.runId))].sort((a, b) => a - b)
  return {
    key: message.key,
    subscription: message.subscription,
    kind: message.kind,
    cadence,
    report: buildReport(events, [], runs.filter((run) => runIds.includes(run.id)), { runIds }, now),
    notices,
    createdAt: message.created_at,
    history: [],
  }
}

function newestFirst(events: ChangeEvent[]): ChangeEvent[] {
  return [...events].sort((a, b) => b.id - a.id)
}

function describeFailure(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error
  // a channel's own bug must not stop the other channels: retried like a network fault
  return new DeliveryError(error instanceof Error ? error.message : String(error), true)
}

/** null: dead (refused for good, or out of attempts). Otherwise exponential backoff, or the receiver's Retry-After if longer. */
export function nextAttempt(message: Pick<DeliveryMessage, 'attempts'>, failure: DeliveryError, policy: RetryPolicy, now: Date): Date | null {
  const attempts = message.attempts + 1
  if (!failure.retryable || attempts >= policy.maxAttempts) return null
  const backoff = Math.min(policy.retryBaseSeconds * 2 ** (attempts - 1), policy.maxRetrySeconds) * 1000
  return new Date(now.getTime() + Math.max(backoff, failure.retryAfterMs ?? 0))
}
