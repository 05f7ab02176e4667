// The outbox end to end: the replica's timeline crawled and diffed for real, deliveries recorded
// with the events, sent to a real webhook receiver on loopback; retries, dead letters, digests,
// late subscriptions, the operator's problems, and two deliverers at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { crawlJob, type CrawlSource } from '../../jobs/crawl.ts'
import { deliverPending, registerSubscriptions, type Outbox, type Subscriber } from '../../jobs/deliver.ts'
import { diffPending } from '../../jobs/diff.ts'
import { compileFilter, type ChangeFilter } from '../../domain/subscription.ts'
import type { ChangeKind } from '../../domain/change.ts'
import { eurocitiesLegacy } from '../../parsers/eurocities-legacy.ts'
import { legacySources } from '../../src/config/defaults.ts'
import { webhookChannel, type WebhookBody } from '../../src/alerts/webhook.ts'
import { legacyTimeline, type Fault } from '../../replica/index.ts'
import { backends, openTestDatabase, useTestDatabase } from '../support/databases.ts'
import { replicaCrawlSettings, silentLog, useReplica } from '../support/replica.ts'
import { timelineChanges } from '../support/timeline-changes.ts'
import { startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from '../support/webhook-receiver.ts'

const sources: CrawlSource[] = legacySources.map((s) => ({ name: s.name, profile: eurocitiesLegacy, url: s.url, maxPages: 50, render: 'http', theme: null }))
const changesAt = (...steps: number[]) => timelineChanges(sources, ...steps)

const bodyOf = (request: ReceivedRequest) => JSON.parse(request.text) as WebhookBody & { alert: { kind: string; subscription: string } }
/** "kind key" of every change the receiver accepted, once per idempotency key. */
function delivered(receiver: WebhookReceiver, path = '/hook'): string[] {
  const byKey = new Map<string, ReceivedRequest>()
  for (const request of receiver.accepted()) if (request.path === path && request.idempotencyKey) byKey.set(request.idempotencyKey, request)
  return [...byKey.values()].flatMap((request) => bodyOf(request).changes.map((change) => `${change.kind} ${change.entry.key}`)).sort()
}

const replica = useReplica()
let receiver: WebhookReceiver
let down: WebhookReceiver
beforeAll(async () => {
  receiver = await startWebhookReceiver({ secret: 'a-secret-of-sixteen+' })
  down = await startWebhookReceiver()
})
afterAll(async () => Promise.all([receiver.close(), down.close()]))

function subscriber(name: string, filter: ChangeFilter = {}, overrides: Partial<Subscriber> = {}): Subscriber {
  return {
    name,
    matches: compileFilter(filter),
    cadence: { kind: 'immediate' },
    eventsPerMessage: 1,
    channel: webhookChannel({ type: 'webhook', url: receiver.url(`/${name}`), secret: 'a-secret-of-sixteen+', timeoutSeconds: 2 }, 1, { baseDelayMs: 1 }),
    since: null,
    ...overrides,
  }
}

const retry = { maxAttempts: 3, retryBaseSeconds: 60, maxRetrySeconds: 3600 }

// five crawls of the replica a test: minutes on a loaded machine
describe.each(backends)('the outbox on %s', { timeout: 240_000 }, (backend) => {
  const db = useTestDatabase(backend)
  let clock = new Date('2026-11-27T06:00:00Z')
  const deps = () => ({ db: db(), now: () => clock, log: silentLog })

  async function runAt(step: number, outbox: Outbox, faults: Fault[] = []) {
    replica().setStep(step)
    replica().setFaults(faults)
    try {
      await registerSubscriptions(deps(), outbox.subscribers)
      // generous timeouts: a crawl made partial by a loaded machine would change what is told
      const crawl = await crawlJob(deps(), sources, replicaCrawlSettings(replica(), { timeoutSeconds: 60, maxRetries: 3 }))
      await diffPending(deps(), { removeAfter: 2, subscriptions: outbox.subscribers, tellOperator: outbox.operator !== null })
      return { crawl, delivery: await deliverPending(deps(), outbox) }
    } finally {
      replica().setFaults([])
    }
  }

  beforeAll(() => {
    receiver.setScript([])
  })

  it('delivers every real change once to each subscription it matches, never the baseline, and nothing twice', async () => {
    receiver.requests.length = 0
    const all = subscriber(`all-${backend}`)
    // only `new`, only on the listings the timeline publishes on first
    const publishedOn = sources.filter((source) => legacyTimeline[1]?.changes.some((change) => change.kind === 'publish' && change.listings.some((path) => source.url.endsWith(path))))
    expect(publishedOn.length).toBeGreaterThan(0)
    const newOnly = subscriber(`new-${backend}`, { kinds: ['new'], listings: [publishedOn[0]?.name as string] })
    const outbox: Outbox = { subscribers: [all, newOnly], operator: null, retry }
    const baseline = await runAt(0, outbox)
    expect(baseline.crawl.newEntries).toBeGreaterThan(100)
    expect(baseline.delivery.sent).toBe(0)
    for (const step of [1, 2, 3, 4]) await runAt(step, outbox)
    // a second run on the same step, and a second deliver: nothing new goes out
    await runAt(4, outbox)
    expect((await deliverPending(deps(), outbox)).sent).toBe(0)

    const expected = changesAt(1, 2, 3, 4)
    expect(expected.length).toBeGreaterThanOrEqual(6)
    expect(delivered(receiver, `/${all.name}`)).toEqual(expected)
    // no key was ever sent twice when every send succeeded; every signature held
    const keys = receiver.requests.map((request) => request.idempotencyKey)
    expect(new Set(keys).size).toBe(keys.length)
    expect(receiver.requests.every((request) => request.signatureValid === true)).toBe(true)
    // the filtered subscription: only `new`, only on its listings (the timeline publishes on them)
    const onItsListings = (await db().selectFrom('change_event as ce').innerJoin('entry as e', 'e.id', 'ce.entry_id')
      .innerJoin('sighting as s', (join) => join.onRef('s.entry_id', '=', 'ce.entry_id').onRef('s.run_id', '=', 'ce.run_id'))
      .innerJoin('listing as l', 'l.id', 's.listing_id')
      .select(['e.entry_key', 'ce.kind']).distinct()
      .where('ce.baseline', '=', false).where('ce.kind', '=', 'new').where('l.source_id', '=', publishedOn[0]?.name as string).execute())
      .map((row) => `${row.kind} ${row.entry_key}`).sort()
    expect(onItsListings.length).toBeGreaterThan(0)
    expect(delivered(receiver, `/${newOnly.name}`)).toEqual(onItsListings)
  })

  it('starts a subscription added later with the next run, or with its since date', async () => {
    receiver.requests.length = 0
    const early = subscriber(`early-${backend}`)
    await runAt(0, { subscribers: [early], operator: null, retry })
    await runAt(1, { subscribers: [early], operator: null, retry })
    const late = subscriber(`late-${backend}`)
    const since = subscriber(`since-${backend}`, {}, { since: new Date(clock.getTime() - 3600_000) })
    const outbox = { subscribers: [early, late, since], operator: null, retry }
    await runAt(2, outbox)
    expect(delivered(receiver, `/${early.name}`)).toEqual(changesAt(1, 2))
    expect(delivered(receiver, `/${late.name}`)).toEqual(changesAt(2))
    expect(delivered(receiver, `/${since.name}`)).toEqual(changesAt(1, 2))
  })

  it('retries a failed send with backoff under the same key, gives up after maxAttempts, and tells the operator once', async () => {
    receiver.requests.length = 0
    down.requests.length = 0
    // the flaky subscription's receiver answers 503 to everything until it is back
    down.setScript(() => ({ status: 503 }))
    const flaky = subscriber(`flaky-${backend}`, {}, {
      channel: webhookChannel({ type: 'webhook', url: down.url(`/flaky-${backend}`), timeoutSeconds: 2 }, 1),
    })
    const operator = webhookChannel({ type: 'webhook', url: receiver.url('/operator'), timeoutSeconds: 2 }, 1)
    const outbox: Outbox = { subscribers: [flaky], operator, retry }
    await runAt(0, outbox)
    await runAt(1, outbox)
    const firstKey = down.requests[0]?.idempotencyKey
    expect(firstKey).toBeDefined()
    // a receiver down stops its subscription for this turn: only the requests already under way (4 at once)
    const firstTurn = down.requests.length
    expect(firstTurn).toBeGreaterThanOrEqual(1)
    expect(firstTurn).toBeLessThanOrEqual(4)
    // the operator hears at the first failed attempt, not hours later when it is given up
    const operatorStates = () => receiver.accepted().filter((request) => request.path === '/operator').flatMap((request) => bodyOf(request).notices ?? []).map((notice) => `${notice.state} ${notice.problem}`)
    expect(operatorStates()).toEqual([`open failing:${flaky.name}`])
    // not due yet: nothing is sent again before the backoff has passed, not even its next message
    await deliverPending(deps(), outbox)
    expect(down.requests).toHaveLength(firstTurn)
    for (let attempt = 0; attempt < 3; attempt += 1) {
      clock = new Date(clock.getTime() + 3 * 3600_000)
      await deliverPending(deps(), outbox)
    }
    const tries = down.requests.filter((request) => request.idempotencyKey === firstKey)
    expect(tries.length).toBe(retry.maxAttempts)
    const given = await db().selectFrom('delivery_message').select(['status', 'attempts', 'last_error']).where('key', '=', firstKey as string).executeTakeFirstOrThrow()
    expect(given).toMatchObject({ status: 'dead', attempts: retry.maxAttempts })
    expect(given.last_error).toContain('503')
    const operatorNotices = receiver.accepted().filter((request) => request.path === '/operator').flatMap((request) => bodyOf(request).notices ?? [])
    expect(operatorNotices.filter((notice) => notice.problem === `dead:${flaky.name}` && notice.state === 'open')).toHaveLength(1)

    // the receiver is back: the next message goes out, and the operator hears it is resolved
    down.setScript([])
    clock = new Date(clock.getTime() + 24 * 3600_000)
    await runAt(2, outbox)
    // what was given up is lost to the receiver; everything else arrives once
    const deadKeys = new Set((await db().selectFrom('delivery_message').select('key').where('subscription', '=', flaky.name).where('status', '=', 'dead').execute()).map((row) => row.key))
    const lost = [...new Map(down.requests.filter((request) => deadKeys.has(request.idempotencyKey ?? '')).map((request) => [request.idempotencyKey, request])).values()]
      .flatMap((request) => bodyOf(request).changes.map((change) => `${change.kind} ${change.entry.key}`))
    expect(lost.length).toBe(deadKeys.size)
    expect(delivered(down, `/${flaky.name}`)).toEqual(changesAt(1, 2).filter((change) => !lost.includes(change)).sort())
    const resolved = receiver.accepted().filter((request) => request.path === '/operator').flatMap((request) => bodyOf(request).notices ?? [])
    expect(resolved.filter((notice) => notice.problem === `dead:${flaky.name}` && notice.state === 'resolved')).toHaveLength(1)
    // failing: told once when it began, once when it recovered, however many attempts failed between
    expect(operatorStates().filter((state) => state.endsWith(`failing:${flaky.name}`))).toEqual([`open failing:${flaky.name}`, `resolved failing:${flaky.name}`])
  })

  it('tells the operator of a layout drift once, however many runs it lasts, and once when it is fixed', async () => {
    receiver.requests.length = 0
    const operator = webhookChannel({ type: 'webhook', url: receiver.url('/ops'), timeoutSeconds: 2 }, 1)
    const outbox: Outbox = { subscribers: [], operator, retry }
    await runAt(0, outbox)
    const drift: Fault[] = [{ kind: 'layout-drift', match: 'social-innovation-issue&newsstart=11' }]
    await runAt(0, outbox, drift)
    await runAt(0, outbox, drift)
    await runAt(0, outbox, drift)
    await runAt(0, outbox)
    await runAt(0, outbox)
    const notices = receiver.accepted().filter((request) => request.path === '/ops').flatMap((request) => bodyOf(request).notices ?? [])
    const states = notices.map((notice) => `${notice.state} ${notice.problem}`)
    expect(states.filter((state) => state.startsWith('open'))).toHaveLength(1)
    expect(states.filter((state) => state.startsWith('resolved'))).toHaveLength(1)
    expect(notices[0]?.problem).toMatch(/^(health|crawl):social-innovation/)
    expect(notices.find((notice) => notice.state === 'resolved')?.occurrences).toBe(3)
  })

  it('sends a digest at its cron time, all its changes in one message', async () => {
    receiver.requests.length = 0
    clock = new Date('2026-11-30T06:00:00Z') // a Monday, 07:00 in Brussels
    const digest = subscriber(`digest-${backend}`, {}, { cadence: { kind: 'digest', cron: '0 8 * * 1-5', timeZone: 'Europe/Brussels' }, eventsPerMessage: 500 })
    const outbox: Outbox = { subscribers: [digest], operator: null, retry }
    await runAt(0, outbox)
    await runAt(1, outbox)
    await runAt(2, outbox)
    expect(receiver.requests.filter((request) => request.path === `/${digest.name}`)).toHaveLength(0)
    clock = new Date('2026-11-30T07:00:30Z') // 08:00:30 in Brussels
    await deliverPending(deps(), outbox)
    await deliverPending(deps(), outbox)
    const sent = receiver.requests.filter((request) => request.path === `/${digest.name}`)
    expect(sent).toHaveLength(1)
    expect(delivered(receiver, `/${digest.name}`)).toEqual(changesAt(1, 2))
  })
})

describe('two deliverers on one PostgreSQL database', () => {
  it('never send one message twice (each message locked by one)', async () => {
    const first = await openTestDatabase('postgres')
    receiver.requests.length = 0
    receiver.setScript(() => ({ delayMs: 20 }))
    try {
      const name = 'concurrent'
      const at = new Date('2026-11-27T06:00:00Z')
      const deps = { db: first.db, now: () => at, log: silentLog }
      // 120 changes, one message each, to send from two processes' worth of connections at once
      await first.db.insertInto('crawl_run').values({ started_at: at, finished_at: at, status: 'complete', error: null, diffed_at: at }).execute()
      const listing = await first.db.insertInto('listing').values({ source_id: 'l', profile: 'eurocities-legacy', url: 'http://x/' }).returning('id').executeTakeFirstOrThrow()
      for (let n = 1; n <= 120; n += 1) {
        const entry = await first.db.insertInto('entry').values({ entry_key: `k${n}`, first_seen_run: 1, last_seen_run: 1, removed_at: null }).returning('id').executeTakeFirstOrThrow()
        const version = await first.db.insertInto('entry_version').values({
          entry_id: entry.id, url: `http://x/${n}`, title: `t${n}`, type: null, date: null, end_date: null, themes: [], summary: null, summary_truncated: false,
          document_type: null, valid_from_run: 1, valid_to_run: null, valid_from: at, valid_to: null,
        }).returning('id').executeTakeFirstOrThrow()
        const event = await first.db.insertInto('change_event').values({ run_id: 1, entry_id: entry.id, kind: 'new' as ChangeKind, version_id: version.id, previous_version_id: null, listing_id: listing.id, changes: '[]', created_at: at }).returning('id').executeTakeFirstOrThrow()
        // already claimed into its message: both deliverers find all 120 due at once
        const message = await first.db.insertInto('delivery_message').values({ subscription: name, key: `key-${n}`, kind: 'changes', next_attempt_at: at, created_at: at, last_error: null, notices: null, sent_at: null }).returning('id').executeTakeFirstOrThrow()
        await first.db.insertInto('delivery').values({ change_event_id: event.id, subscription: name, created_at: at, message_id: message.id }).execute()
      }
      await first.db.insertInto('subscription').values({ name, start_run: 1, created_at: at, last_digest_at: null }).execute()
      const outbox: Outbox = { subscribers: [subscriber(name)], operator: null, retry }
      const [a, b] = await Promise.all([deliverPending(deps, outbox), deliverPending(deps, outbox)])
      expect(a.sent + b.sent).toBe(120)
      const keys = receiver.requests.filter((request) => request.path === `/${name}`).map((request) => request.idempotencyKey)
      expect(keys).toHaveLength(120)
      expect(new Set(keys).size).toBe(120)
      // both took part: the locks were shared out, not taken by one
      expect(Math.min(a.sent, b.sent)).toBeGreaterThan(0)
    } finally {
      receiver.setScript([])
      await first.close()
    }
  })
})
