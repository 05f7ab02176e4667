// The operations page's data on PGlite and PostgreSQL: runs of real crawls of the replica and
// their results, health problems open and resolved, deliveries by state, a dead message resent.
import { describe, expect, it } from 'vitest'
import type { Kysely } from 'kysely'
import { deliveryMessages, operatorProblems, recentHealthEvents, recentRuns, resendMessage } from '../../db/operations.ts'
import { claimDeliveries, insertDeliveries, lockDueMessages, markMessageFailed, markMessageSent, releaseMessages } from '../../db/outbox.ts'
import type { Database } from '../../db/schema.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { useReplica } from '../support/replica.ts'
import { afterRun, watchReplica } from '../support/watched-replica.ts'

const replica = useReplica()
const DRIFT = { kind: 'layout-drift' as const, match: 'social-innovation-issue&newsstart=11' }

/** One message for each subscription, carrying the first two change events: left waiting, sent, failing, dead. */
async function messagesInEveryState(db: Kysely<Database>): Promise<Record<'waiting' | 'sent' | 'failing' | 'dead', number>> {
  const events = await db.selectFrom('change_event').select('id').orderBy('id').limit(2).execute()
  const names = ['waiting', 'sent', 'failing', 'dead'] as const
  await insertDeliveries(db, names.flatMap((subscription) => events.map((event) => ({ eventId: event.id, subscription }))), afterRun(2))
  const ids: Record<string, number> = {}
  for (const name of names) {
    await claimDeliveries(db, name, 10, afterRun(2))
    ids[name] = (await db.selectFrom('delivery_message').select('id').where('subscription', '=', name).executeTakeFirstOrThrow()).id
  }
  await markMessageSent(db, ids.sent ?? -1, afterRun(2))
  await markMessageFailed(db, { messageId: ids.failing ?? -1, error: 'HTTP 503 Service Unavailable', nextAttemptAt: afterRun(3) })
  await markMessageFailed(db, { messageId: ids.dead ?? -1, error: 'HTTP 410 Gone', nextAttemptAt: null })
  return ids as Record<(typeof names)[number], number>
}

describe.each(backends)('operations on %s', (backend) => {
  const db = useTestDatabase(backend)

  it('lists runs with their results and health problems, open and resolved', async () => {
    await watchReplica(db(), replica(), [{ step: 0 }, { step: 0, faults: [DRIFT] }, { step: 0 }, { step: 0, faults: [DRIFT] }])
    const runs = await recentRuns(db(), 10)
    expect(runs.map((run) => [run.id, run.status, run.crawls, run.healthEvents])).toEqual([
      [4, 'partial', { partial: 1 }, 1],
      [3, 'complete', { complete: 1 }, 0],
      [2, 'partial', { partial: 1 }, 1],
      [1, 'complete', { complete: 1 }, 0],
    ])
    expect(runs[3]?.pagesFetched).toBeGreaterThan(1)
    expect((await recentRuns(db(), 2, 3)).map((run) => run.id)).toEqual([2, 1])

    // opened by run 2, resolved by run 3, opened again by run 4
    const problems = await operatorProblems(db(), 10)
    expect(problems.map((problem) => [problem.problem, problem.listing, problem.firstRun, problem.resolvedAt === null])).toEqual([['health:social-innovation:layout', 'social-innovation', 4, true]])
    await watchReplica(db(), replica(), [{ step: 0 }])
    expect((await operatorProblems(db(), 10)).map((problem) => [problem.problem, problem.resolvedAt === null])).toEqual([['health:social-innovation:layout', false]])
    expect((await recentHealthEvents(db(), 10)).map((event) => [event.runId, event.listing, event.problem])).toEqual([
      [4, 'social-innovation', 'layout'],
      [2, 'social-innovation', 'layout'],
    ])
  })

  it('lists delivery messages by state, and sends a dead one again once, at once', async () => {
    await watchReplica(db(), replica(), [{ step: 0 }])
    const ids = await messagesInEveryState(db())
    const all = await deliveryMessages(db(), { subscription: null, state: null, limit: 10, before: null })
    expect(all.map((message) => [message.subscription, message.state, message.events])).toEqual([
      ['dead', 'dead', 2],
      ['failing', 'failing', 2],
      ['sent', 'sent', 2],
      ['waiting', 'waiting', 2],
    ])
    expect((await deliveryMessages(db(), { subscription: null, state: 'failing', limit: 10, before: null })).map((message) => [message.id, message.lastError])).toEqual([
      [ids.failing, 'HTTP 503 Service Unavailable'],
    ])
    expect((await deliveryMessages(db(), { subscription: 'dead', state: null, limit: 10, before: null })).map((message) => message.id)).toEqual([ids.dead])
    expect((await deliveryMessages(db(), { subscription: null, state: null, limit: 10, before: ids.sent })).map((message) => message.id)).toEqual([ids.waiting])

    const now = afterRun(5)
    expect(await resendMessage(db(), ids.dead, now)).toBe('resent')
    const resent = await db().selectFrom('delivery_message').selectAll().where('id', '=', ids.dead).executeTakeFirstOrThrow()
    expect([resent.status, resent.attempts, resent.next_attempt_at.toISOString()]).toEqual(['pending', 0, now.toISOString()])
    // the deliverer takes it at once
    const due = await lockDueMessages(db(), ['dead'], now, 10)
    expect(due.messages.map((message) => message.id)).toEqual([ids.dead])
    await releaseMessages(db(), [ids.dead])
    // a second click changes nothing; a sent message is never sent again
    expect(await resendMessage(db(), ids.dead, afterRun(6))).toBe('pending')
    expect((await db().selectFrom('delivery_message').select('next_attempt_at').where('id', '=', ids.dead).executeTakeFirstOrThrow()).next_attempt_at.toISOString()).toBe(now.toISOString())
    expect(await resendMessage(db(), ids.sent, now)).toBe('sent')
    expect(await resendMessage(db(), 987654, now)).toBeNull()
  })
})
