// Crawl workers against SIGKILL: three `eurowatch worker` processes on real PostgreSQL crawl the
// replica's timeline (six listings on three hosts) while random workers are killed at random moments,
// a few of them while delivering a run's changes (a killed finish job: details, diff, deliveries);
// each killed worker is replaced at once. At the end the database holds what `run` alone found, each
// change once, every run diffed once, and each change reached the slow webhook receiver under one key.
//
// The kill points come from a seeded generator: EUROWATCH_KILL_SEED=<seed> replays a failing run.
import { randomInt } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { QUEUES } from '../../db/job-queue.ts'
import type { WebhookBody } from '../../src/alerts/webhook.ts'
import { seededRandom } from '../support/seeded-random.ts'
import { startWebhookReceiver } from '../support/webhook-receiver.ts'
import { createCliDatabase, type CliDatabase } from './support/cli-database.ts'
import { runCli } from './support/cli.ts'
import { comparableReport, queuedRunId, startReplicas, startWorker, waitForDiffedRun, waitForStart, writeWorkerConfig, type WorkerProcess } from './support/workers.ts'

const SEED = process.env.EUROWATCH_KILL_SEED ? Number(process.env.EUROWATCH_KILL_SEED) : randomInt(2 ** 31)
const KILLS = 10
// a removal is told after the second complete crawl without the entry: step 4 twice
const STEPS = [0, 1, 2, 3, 4, 4]
// the runs of STEPS (by index) that find changes, and so have something to deliver
const SENDING = new Set([1, 2, 3, 5])
// a killed worker's job is tried again once it expires: soon, so the test stays short; many tries, so none fails for good
const WORKERS = '{ jobTimeoutSeconds: 15, retries: 20, retryDelaySeconds: 1, maintenanceSeconds: 1, hostLeaseSeconds: 4, shutdownSeconds: 5 }'

describe('crawl workers under SIGKILL', () => {
  it('random workers killed at random points (mid-crawl, mid-delivery): every change once, each run diffed once, each delivery under one key', { timeout: 600_000 }, async () => {
    const random = seededRandom(SEED)
    // the receiver takes 50-150 ms a request: a kill finds deliveries in flight
    const slowness = seededRandom(SEED + 1000)
    const receiver = await startWebhookReceiver({ script: () => ({ delayMs: 50 + Math.floor(slowness() * 100) }) })
    const replicas = await startReplicas(3)
    const dir = mkdtempSync(join(tmpdir(), 'eurowatch-worker-kill-'))
    // `run` alone reads the same listings and tells no receiver
    const aloneDir = mkdtempSync(join(tmpdir(), 'eurowatch-worker-kill-alone-'))
    writeWorkerConfig(aloneDir, replicas)
    writeWorkerConfig(
      dir,
      replicas,
      `delivery: { retryBaseSeconds: 0 }
subscriptions:
  - name: all
    channel: { type: webhook, url: "${receiver.url('/all')}" }
`,
      { workers: WORKERS },
    )
    const queued = await createCliDatabase('postgres', dir)
    const alone = await createCliDatabase('postgres', aloneDir)
    // every kill and run, printed when the test fails: with the seed, what to replay
    const journal: string[] = []
    const workers: WorkerProcess[] = []
    const killed: WorkerProcess[] = []
    try {
      expect((await runCli(dir, ['migrate'], queued.env)).code).toBe(0)
      for (let slot = 0; slot < 3; slot += 1) workers.push(startWorker(dir, queued))
      const tally = { kills: 0, midDelivery: 0 }
      const kill = (slot: number, why: string) => {
        const worker = workers[slot] as WorkerProcess
        worker.child.kill('SIGKILL')
        killed.push(worker)
        workers[slot] = startWorker(dir, queued)
        tally.kills += 1
        journal.push(`  kill worker ${slot} (pid ${worker.child.pid}) ${why}`)
      }

      // a queued run's length on this machine, to spread the kills over it (measured as we go)
      let runMs = 6000
      const runStep = async (step: number, index: number, killsWanted: number) => {
        for (const replica of replicas) replica.setStep(step)
        const alongside = runCli(aloneDir, ['run', '--format', 'json'], alone.env)
        const started = Date.now()
        const enqueued = await runCli(dir, ['enqueue'], queued.env)
        expect(enqueued.code, enqueued.stderr).toBe(0)
        const runId = queuedRunId(enqueued.stdout)
        journal.push(`step ${step}: run ${runId}`)
        let diffed = false
        const waiting = waitForDiffedRun(queued, runId, 180_000).finally(() => (diffed = true))
        for (let killsHere = 0; killsHere < killsWanted && !diffed; killsHere += 1) {
          // when the run has changes to send, three in ten: shortly after the receiver reads a request,
          // killing the worker delivering (the one whose finish job diffed the run); otherwise anyone, anywhere
          if (SENDING.has(index) && random() < 0.3) {
            const delayMs = Math.floor(random() * 150)
            await Promise.race([receiver.waitForRequests(receiver.requests.length + 1), waiting])
            if (diffed) break
            await sleep(delayMs)
            const delivering = workers.findIndex((worker) => diffedBy(worker, runId))
            kill(delivering >= 0 ? delivering : Math.floor(random() * 3), `${delayMs} ms after webhook request ${receiver.requests.length} (${delivering >= 0 ? 'its finish job' : 'no finish job seen'})`)
            if (delivering >= 0) tally.midDelivery += 1
          } else {
            // spread over the run: each kill within its share of the run's length
            const delayMs = Math.floor((random() * runMs) / killsWanted)
            const slot = Math.floor(random() * 3)
            await Promise.race([sleep(delayMs), waiting])
            if (diffed) break
            kill(slot, `${Date.now() - started} ms after enqueue`)
          }
        }
        await waiting
        runMs = Math.min(15_000, Date.now() - started)
        journal.push(`  diffed after ${Date.now() - started} ms`)
        const single = await alongside
        expect(single.code, single.stderr).toBe(0)
        const report = await runCli(dir, ['report', '--run', String(runId), '--format', 'json'], queued.env)
        expect(report.code, report.stderr).toBe(0)
        expect(comparableReport(report.stdout), `step ${step}`).toEqual(comparableReport(single.stdout))
      }
      for (const [index, step] of STEPS.entries()) await runStep(step, index, Math.ceil((KILLS - tally.kills) / (STEPS.length - index)))
      // kills beaten by the runs' ends: more rounds of the last step (nothing new to find there)
      let rounds = STEPS.length
      while (tally.kills < KILLS) {
        await runStep(STEPS[STEPS.length - 1] as number, STEPS.length, KILLS - tally.kills)
        rounds += 1
      }
      // a finish job killed after its diff (delivering) is tried again once it expires: wait for every one to complete
      const runs = await queued.read((db) => db.selectFrom('crawl_run').select(['id', 'status', 'diffed_at']).orderBy('id').execute())
      const finished = runs.map((run) => ({ run_id: run.id, state: 'completed' }))
      const deadline = Date.now() + 120_000
      let finishJobs = await finishJobsOf(queued)
      while (JSON.stringify(finishJobs) !== JSON.stringify(finished) && Date.now() < deadline) {
        await sleep(500)
        finishJobs = await finishJobsOf(queued)
      }
      // exactly one finish job per run, and it completed (a killed try was tried again, not doubled)
      expect(finishJobs).toEqual(finished)

      // each run's change events as `run` alone recorded them: none lost, none doubled, no false removal
      const [got, wanted] = await Promise.all([queued, alone].map(changesByRun))
      expect(got).toEqual(wanted)
      expect(got).toHaveLength(rounds)
      expect(runs.map((run) => [run.status, run.diffed_at !== null])).toEqual(runs.map(() => ['complete', true]))
      const stored = await queued.read(async (db) => ({
        events: await db.selectFrom('change_event as ce').innerJoin('entry as e', 'e.id', 'ce.entry_id').select(['ce.id', 'ce.run_id', 'ce.kind', 'ce.baseline', 'e.entry_key']).execute(),
        deliveries: await db.selectFrom('delivery as d').leftJoin('delivery_message as m', 'm.id', 'd.message_id').select(['d.change_event_id', 'm.key', 'm.status']).execute(),
      }))
      const changes = stored.events.filter((event) => !event.baseline)
      expect(changes.length).toBeGreaterThan(0)
      // every change delivered, each recorded once and 'sent'
      expect(stored.deliveries.map((d) => d.change_event_id).sort((a, b) => a - b)).toEqual(changes.map((event) => event.id).sort((a, b) => a - b))
      expect(stored.deliveries.filter((d) => d.status !== 'sent')).toEqual([])
      // at the receiver: every change under one key, its message's; a key re-sent carries the same change
      const keysOf = new Map<string, Set<string>>()
      const changesOfKey = new Map<string, string>()
      for (const request of receiver.requests) {
        const body = JSON.parse(request.text) as WebhookBody
        const key = request.idempotencyKey ?? ''
        const ids = body.changes.map((change) => `${change.runId} ${change.kind} ${change.entry.key}`).sort()
        expect(changesOfKey.get(key) ?? ids.join('|'), `key ${key}`).toBe(ids.join('|'))
        changesOfKey.set(key, ids.join('|'))
        for (const id of ids) keysOf.set(id, new Set([...(keysOf.get(id) ?? []), key]))
      }
      const byId = new Map(stored.events.map((event) => [event.id, event]))
      const expected = new Map(
        stored.deliveries.map((delivery) => {
          const event = byId.get(delivery.change_event_id)
          return [`${event?.run_id} ${event?.kind} ${event?.entry_key}`, [delivery.key]]
        }),
      )
      expect(new Map([...keysOf].map(([id, keys]) => [id, [...keys]]))).toEqual(expected)

      const summary = { seed: SEED, kills: tally.kills, killsMidDelivery: tally.midDelivery, runs: rounds, requests: receiver.requests.length, resentSameKey: receiver.requests.length - changesOfKey.size }
      console.log(`worker-kill: ${JSON.stringify(summary)}`)
      expect(tally.kills).toBeGreaterThanOrEqual(KILLS)
      await Promise.all(
        workers.map(async (worker) => {
          // a replacement started a moment ago: Node ends a process told to stop before its handler is set by the signal
          await waitForStart(worker)
          worker.child.kill('SIGTERM')
          expect(await worker.exited, worker.stderr()).toBe(0)
        }),
      )
    } catch (error) {
      console.log(`worker-kill, seed ${SEED}:\n${journal.join('\n')}\n--- live workers' logs:\n${workers.map((worker) => worker.stderr()).join('\n---\n')}`)
      throw error
    } finally {
      for (const worker of [...workers, ...killed]) worker.child.kill('SIGKILL')
      await receiver.close()
      await Promise.all(replicas.map((replica) => replica.close()))
      await queued.drop()
      await alone.drop()
      for (const path of [dir, aloneDir]) rmSync(path, { recursive: true, force: true })
    }
  })
})

/** Whether the worker's log says it diffed `runId`: its finish job is the one delivering. */
function diffedBy(worker: WorkerProcess, runId: number): boolean {
  return worker
    .stderr()
    .split('\n')
    .some((line) => line.includes('"diff recorded"') && line.includes(`"runId":${runId},`))
}

/** Every finish job there is (queue and archive), by run. */
async function finishJobsOf(database: CliDatabase): Promise<{ run_id: number; state: string }[]> {
  return database.read(async (db) => {
    const { rows } = await sql<{ run_id: number; state: string }>`
      select (data->>'runId')::int as run_id, state::text from pgboss.job where name = ${QUEUES.finish}
      union all select (data->>'runId')::int, state::text from pgboss.archive where name = ${QUEUES.finish} order by 1`.execute(db)
    return rows
  })
}

/** Per run (in order), its change events as "kind entry baseline", sorted. */
async function changesByRun(database: CliDatabase): Promise<string[][]> {
  return database.read(async (db) => {
    const runs = await db.selectFrom('crawl_run').select('id').orderBy('id').execute()
    const events = await db.selectFrom('change_event as ce').innerJoin('entry as e', 'e.id', 'ce.entry_id').select(['ce.run_id', 'ce.kind', 'ce.baseline', 'e.entry_key']).execute()
    return runs.map((run) =>
      events
        .filter((event) => event.run_id === run.id)
        .map((event) => `${event.kind} ${event.entry_key}${event.baseline ? ' baseline' : ''}`)
        .sort(),
    )
  })
}
