// Exactly-once delivery against SIGKILL: `eurowatch run --offline --step N` over the replica's
// timeline, killed at random points (while it starts, crawls, diffs, or waits on a slow webhook
// receiver), rerun until the step completes, on PGlite and on PostgreSQL. At the receiver, every
// change the database recorded for a subscription arrived under its message's one key; a key may
// arrive twice (a process killed between sending and recording), a change never under two keys.
//
// The kill points come from a seeded generator: EUROWATCH_KILL_SEED=<seed> replays a failing run.
import { spawn } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it, type ExpectStatic } from 'vitest'
import { legacyTimeline } from '../../replica/index.ts'
import { legacySources } from '../../src/config/defaults.ts'
import type { WebhookBody } from '../../src/alerts/webhook.ts'
import { backends, type BackendName } from '../support/databases.ts'
import { startWebhookReceiver, type ReceivedRequest } from '../support/webhook-receiver.ts'
import { createCliDatabase } from './support/cli-database.ts'
import { BIN, runCli } from './support/cli.ts'
import { seededRandom } from '../support/seeded-random.ts'

const SEED = process.env.EUROWATCH_KILL_SEED ? Number(process.env.EUROWATCH_KILL_SEED) : randomInt(2 ** 31)
const KILLS_PER_BACKEND = 20
// a removal is told after the second complete crawl without the entry: step 4 twice
const STEPS = [0, 1, 2, 3, 4, 4]
// the runs of STEPS (by index) that find changes, and so have something to send
const SENDING = new Set([1, 2, 3, 5])
const SOCIAL_INNOVATION = legacySources.find((source) => source.name === 'social-innovation')?.url as string
const expectedKind = { publish: 'new', 'edit-summary': 'changed', retag: 'changed', retitle: 'moved', remove: 'removed', cosmetic: null } as const
/** "kind key" of every real change of the timeline (all of them are on social-innovation). */
const TIMELINE_CHANGES = legacyTimeline
  .flatMap((step) => step.changes)
  .flatMap((change) => (expectedKind[change.kind] === null ? [] : [`${expectedKind[change.kind]} ${change.key}`]))
  .sort()

interface Attempt {
  killed: boolean
  code: number | null
  stderr: string
  ms: number
}

describe('deliveries under SIGKILL', () => {
  it.concurrent.for(backends)('every change reaches the webhook under one key, none lost, on %s', { timeout: 900_000 }, async (backend: BackendName, { expect }) => {
    const random = seededRandom(SEED + backends.indexOf(backend))
    // the receiver takes 50-150 ms a request: a kill finds sends in flight
    const slowness = seededRandom(SEED + 1000)
    const receiver = await startWebhookReceiver({ script: () => ({ delayMs: 50 + Math.floor(slowness() * 100) }) })
    // both backends at once: a directory each
    const dir = mkdtempSync(join(tmpdir(), `eurowatch-kill-${backend}-`))
    const db = await createCliDatabase(backend, dir)
    // every attempt, printed when the test fails: with the seed, what to replay
    const journal: string[] = []
    try {
      writeFileSync(
        join(dir, 'eurowatch.yaml'),
        `sources:
  - { name: social-innovation, profile: eurocities-legacy, url: '${SOCIAL_INNOVATION}' }
# every crawl full: each run steps the replica on, months in a second
fullCrawl: { everyRuns: 1 }
delivery: { retryBaseSeconds: 0 }
subscriptions:
  - name: all
    channel: { type: webhook, url: "${receiver.url('/all')}" }
  - name: news
    channel: { type: webhook, url: "${receiver.url('/news')}" }
    filter: { kinds: [new] }
`,
      )
      const env = { ...process.env, ...db.env }

      /** One `run` of `step`, killed as `plan` says unless it finishes first. */
      async function attempt(step: number, plan: { after: 'spawn' | 'request'; delayMs: number } | null): Promise<Attempt> {
        const started = Date.now()
        const seen = receiver.requests.length
        const child = spawn('node', [BIN, 'run', '--offline', '--step', String(step)], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] })
        let stderr = ''
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
        const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
        let killed = false
        const kill = () => {
          if (child.exitCode === null && child.signalCode === null) killed = child.kill('SIGKILL')
        }
        let timer: NodeJS.Timeout | undefined
        if (plan?.after === 'spawn') timer = setTimeout(kill, plan.delayMs)
        if (plan?.after === 'request') {
          void receiver.waitForRequests(seen + 1).then(() => {
            timer = setTimeout(kill, plan.delayMs)
          })
        }
        // a run that hangs is a failure of its own: kill it and say so
        const hung = setTimeout(() => child.kill('SIGKILL'), 120_000)
        const code = await exited
        clearTimeout(hung)
        clearTimeout(timer)
        return { killed, code, stderr, ms: Date.now() - started }
      }

      const tally = { kills: 0, killsMidDelivery: 0, completions: 0, lockWaits: 0 }
      // a complete run's length on this machine, to spread the kills over it (measured as we go)
      let runMs = 8000
      let lastKillAt = 0
      const runStep = async (step: number, index: number, killsWanted: number) => {
        let killsHere = 0
        let lockHeld = false
        for (;;) {
          // no kill while a stale lock keeps every run out: it would only kill a process on its way out
          const wantKill = killsHere < killsWanted && !lockHeld
          // when the run has changes to send, three in ten: shortly after the receiver reads a request
          // (mid-delivery, or between sending and recording); otherwise anywhere in the run
          const midDelivery = SENDING.has(index) && random() < 0.3
          const plan = !wantKill ? null : midDelivery ? { after: 'request' as const, delayMs: Math.floor(random() * 150) } : { after: 'spawn' as const, delayMs: Math.floor(random() * runMs) }
          const result = await attempt(step, plan)
          journal.push(`step ${step}: ${plan === null ? 'no kill' : `kill ${plan.delayMs} ms after ${plan.after}`}: ${result.killed ? 'killed' : `exit ${result.code}`} after ${result.ms} ms`)
          if (result.killed) {
            lastKillAt = Date.now()
            killsHere += 1
            tally.kills += 1
            if (plan?.after === 'request') tally.killsMidDelivery += 1
            continue
          }
          // PGlite: a kill while its holder takes or lets go of the data directory's lock leaves a lock
          // that names no owner; it is free 30 s after it was last touched (db/data-dir-lock.ts): wait
          if (backend === 'pglite' && result.code === 2 && /\.lock is held/.test(result.stderr) && Date.now() - lastKillAt < 60_000) {
            tally.lockWaits += 1
            lockHeld = true
            await new Promise((resolve) => setTimeout(resolve, 2000))
            continue
          }
          expect(result.code, `run ${index} (step ${step}, seed ${SEED}) did not complete: ${result.stderr}`).toBe(0)
          expect(result.stderr).toMatch(/deliveries: \d+ sent, 0 failed, 0 given up/)
          tally.completions += 1
          runMs = result.ms
          return
        }
      }
      for (const [index, step] of STEPS.entries()) {
        // the kills still wanted, spread over the steps left
        await runStep(step, index, Math.ceil((KILLS_PER_BACKEND - tally.kills) / (STEPS.length - index)))
      }
      // a kill wanted but beaten by the run's end: more rounds of the last step (nothing new to find there)
      while (tally.kills < KILLS_PER_BACKEND) await runStep(STEPS[STEPS.length - 1] as number, STEPS.length, KILLS_PER_BACKEND - tally.kills)
      const last = await runCli(dir, ['deliver'], db.env)
      expect(last.code, last.stderr).toBe(0)

      const stored = await db.read(async (handle) => ({
        events: await handle.selectFrom('change_event as ce').innerJoin('entry as e', 'e.id', 'ce.entry_id').select(['ce.id', 'ce.run_id', 'ce.kind', 'ce.baseline', 'e.entry_key']).execute(),
        deliveries: await handle
          .selectFrom('delivery as d')
          .leftJoin('delivery_message as m', 'm.id', 'd.message_id')
          .select(['d.subscription', 'd.change_event_id', 'm.key', 'm.status'])
          .execute(),
      }))
      const byId = new Map(stored.events.map((event) => [event.id, event]))
      const identity = (subscription: string, runId: number, kind: string, key: string) => `${subscription} ${runId} ${kind} ${key}`
      checkAtReceiver(expect, receiver.requests, stored, byId, identity)

      const keys = new Set(receiver.requests.map((request) => request.idempotencyKey))
      const summary = {
        backend,
        seed: SEED,
        kills: tally.kills,
        killsMidDelivery: tally.killsMidDelivery,
        completeRuns: tally.completions,
        lockWaits: tally.lockWaits,
        requests: receiver.requests.length,
        resentSameKey: receiver.requests.length - keys.size,
        deliveries: stored.deliveries.length,
      }
      console.log(`delivery-kill: ${JSON.stringify(summary)}`)
      expect(tally.kills).toBeGreaterThanOrEqual(KILLS_PER_BACKEND)
    } catch (error) {
      console.log(`delivery-kill on ${backend}, seed ${SEED}:\n${journal.join('\n')}`)
      throw error
    } finally {
      await receiver.close()
      await db.drop()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

interface Stored {
  events: { id: number; run_id: number; kind: string; baseline: boolean; entry_key: string }[]
  deliveries: { subscription: string; change_event_id: number; key: string | null; status: string | null }[]
}

function checkAtReceiver(
  expect: ExpectStatic,
  requests: ReceivedRequest[],
  stored: Stored,
  byId: Map<number, Stored['events'][number]>,
  identity: (subscription: string, runId: number, kind: string, key: string) => string,
): void {
  // the database recorded the timeline's changes, each once, and a delivery of each to `all`, of the new ones to `news`
  const changes = stored.events.filter((event) => !event.baseline)
  expect(changes.map((event) => `${event.kind} ${event.entry_key}`).sort()).toEqual(TIMELINE_CHANGES)
  const recorded = (subscription: string) => stored.deliveries.filter((d) => d.subscription === subscription).map((d) => d.change_event_id).sort((a, b) => a - b)
  expect(recorded('all')).toEqual(changes.map((event) => event.id).sort((a, b) => a - b))
  expect(recorded('news')).toEqual(changes.filter((event) => event.kind === 'new').map((event) => event.id).sort((a, b) => a - b))
  expect(stored.deliveries.filter((d) => d.status !== 'sent')).toEqual([])

  // what arrived: per change and subscription, the keys it came under
  const keysOf = new Map<string, Set<string>>()
  const eventOfKey = new Map<string, string>()
  for (const request of requests) {
    const body = JSON.parse(request.text) as WebhookBody
    expect(body.changes).toHaveLength(1)
    const [change] = body.changes
    if (change === undefined || request.idempotencyKey === undefined) throw new Error(`request ${request.n} carries no change or no key`)
    expect(`/${body.alert.subscription}`).toBe(request.path)
    expect(body.alert.key).toBe(request.idempotencyKey)
    const id = identity(body.alert.subscription, change.runId, change.kind, change.entry.key)
    // a key re-sent carries the same change
    expect(eventOfKey.get(request.idempotencyKey) ?? id).toBe(id)
    eventOfKey.set(request.idempotencyKey, id)
    keysOf.set(id, new Set([...(keysOf.get(id) ?? []), request.idempotencyKey]))
  }
  // none delivered under two different keys
  expect([...keysOf].filter(([, keys]) => keys.size > 1).map(([id]) => id)).toEqual([])
  // every delivery the database holds arrived, under its message's key; nothing else arrived
  const expected = new Map(
    stored.deliveries.map((delivery) => {
      const event = byId.get(delivery.change_event_id)
      if (event === undefined) throw new Error(`delivery of unknown event ${delivery.change_event_id}`)
      return [identity(delivery.subscription, event.run_id, event.kind, event.entry_key), delivery.key]
    }),
  )
  expect(new Map([...keysOf].map(([id, keys]) => [id, [...keys][0] ?? null]))).toEqual(expected)
}
