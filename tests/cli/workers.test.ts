// `eurowatch worker` and `eurowatch enqueue` on real PostgreSQL: three worker processes crawl the
// replica's timeline (six listings on three hosts) and find what `run` alone finds, each once.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Replica } from '../../replica/index.ts'
import { createCliDatabase } from './support/cli-database.ts'
import { BIN, runCli } from './support/cli.ts'
import { comparableReport, queuedRunId, startReplicas, startWorker, waitForDiffedRun, WORKER_LISTINGS, writeWorkerConfig, type WorkerProcess } from './support/workers.ts'

// a removal is told after the second complete crawl without the entry: step 4 twice
const STEPS = [0, 1, 2, 3, 4, 4]

describe('eurowatch worker', { timeout: 600_000 }, () => {
  let replicas: Replica[]
  let dir: string
  beforeAll(async () => {
    replicas = await startReplicas(3)
    dir = mkdtempSync(join(tmpdir(), 'eurowatch-workers-'))
    // every crawl full: each step moves the replica months on, and removals are told after complete crawls
    writeWorkerConfig(dir, replicas, 'fullCrawl: { everyRuns: 1 }\n')
  })
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()))
    rmSync(dir, { recursive: true, force: true })
  })

  it('three workers find every change of the timeline once, as `run` alone does', async () => {
    const queued = await createCliDatabase('postgres', dir)
    const alone = await createCliDatabase('postgres', dir)
    let workers: WorkerProcess[] = []
    try {
      expect((await runCli(dir, ['migrate'], queued.env)).stdout).toContain('crawl queue')
      workers = [0, 1, 2].map(() => startWorker(dir, queued))
      for (const step of STEPS) {
        for (const replica of replicas) replica.setStep(step)
        const single = await runCli(dir, ['run', '--format', 'json'], alone.env)
        expect(single.code, single.stderr).toBe(0)
        const enqueued = await runCli(dir, ['enqueue'], queued.env)
        expect(enqueued.code, enqueued.stderr).toBe(0)
        const runId = queuedRunId(enqueued.stdout)
        expect(enqueued.stdout).toContain(`run ${runId}: ${WORKER_LISTINGS.length} listings queued`)
        await waitForDiffedRun(queued, runId)
        const report = await runCli(dir, ['report', '--run', String(runId), '--format', 'json'], queued.env)
        expect(report.code, report.stderr).toBe(0)
        expect(comparableReport(report.stdout), `step ${step}`).toEqual(comparableReport(single.stdout))
      }
      const stored = await queued.read(async (db) => ({
        runs: await db.selectFrom('crawl_run').select(['status', 'queued']).orderBy('id').execute(),
        crawls: await db.selectFrom('listing_crawl').select(['status']).execute(),
      }))
      expect(stored.runs).toEqual(STEPS.map(() => ({ status: 'complete', queued: true })))
      expect(stored.crawls.every((crawl) => crawl.status === 'complete')).toBe(true)
      // the work was shared: every worker took jobs
      await Promise.all(workers.map(async (worker) => {
        worker.child.kill('SIGTERM')
        expect(await worker.exited, worker.stderr()).toBe(0)
      }))
      const done = workers.map((worker) => /"jobsDone":(\d+)/.exec(worker.stderr())?.[1])
      expect(done.every((count) => Number(count) > 0), workers.map((worker) => worker.stderr()).join('\n')).toBe(true)
    } finally {
      for (const worker of workers) worker.child.kill('SIGKILL')
      await queued.drop()
      await alone.drop()
    }
  })

  it('`schedule --queue` queues a run a tick, none while the last is crawled, and a worker finishes it', async () => {
    const db = await createCliDatabase('postgres', dir)
    let worker: WorkerProcess | undefined
    try {
      // every second, twice: the second tick finds the first run still queued (no worker yet)
      const scheduled = await runCli(dir, ['schedule', '--queue', '--cron', '* * * * * *', '--max-runs', '2'], db.env)
      expect(scheduled.code, scheduled.stderr).toBe(0)
      const lines = scheduled.stdout.split('\n').filter((line) => / run \d+/.test(line))
      expect(lines).toHaveLength(2)
      expect(lines[0]).toMatch(new RegExp(`run (\\d+): ${WORKER_LISTINGS.length} listings queued$`))
      const runId = queuedRunId(lines[0]?.replace(/^\S+ /, '') ?? '')
      expect(lines[1]).toMatch(new RegExp(`run ${runId} is still being crawled by the workers: nothing queued$`))
      // `status` shows the queue: every listing's job waiting, no worker yet
      const waiting = await runCli(dir, ['status'], db.env)
      expect(waiting.stdout).toContain('Crawl queue (0 workers seen in the last minute)')
      expect(waiting.stdout).toContain('  social-innovation: 1 queued, 0 crawling, 0 failed for good')
      worker = startWorker(dir, db)
      await waitForDiffedRun(db, runId)
      const working = await runCli(dir, ['status'], db.env)
      expect(working.stdout).toMatch(/Crawl queue \(1 worker seen in the last minute\)\n  worker \S+: 1 at a time, \d+ jobs done since/)
      expect(working.stdout).not.toContain('queued, ')
      const runs = await db.read((handle) => handle.selectFrom('crawl_run').select(['id', 'status', 'queued']).execute())
      expect(runs).toEqual([{ id: runId, status: 'complete', queued: true }])
      // `run` alone still works beside the queue, on the same database, and leaves queued runs be
      const single = await runCli(dir, ['run', '--format', 'json'], db.env)
      expect(single.code, single.stderr).toBe(0)
    } finally {
      worker?.child.kill('SIGKILL')
      await db.drop()
    }
  })

  it('`serve --cron --queue` queues the scheduled runs for the workers while it serves', async () => {
    const db = await createCliDatabase('postgres', dir)
    const server = spawn('node', [BIN, 'serve', '--port', '0', '--cron', '* * * * * *', '--queue'], { cwd: dir, env: { ...process.env, ...db.env }, stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      const deadline = Date.now() + 60_000
      let queued: { id: number }[] = []
      while (queued.length === 0 && Date.now() < deadline) {
        await sleep(500)
        queued = await db.read((handle) => handle.selectFrom('crawl_run').select('id').where('queued', '=', true).execute()).catch(() => [])
      }
      // one run queued, and no more while no worker crawls it
      expect(queued).toHaveLength(1)
      await sleep(1500)
      expect(await db.read((handle) => handle.selectFrom('crawl_run').select('id').execute())).toEqual(queued)
    } finally {
      server.kill('SIGTERM')
      await new Promise((resolve) => server.once('close', resolve))
      await db.drop()
    }
  })

  it('refuses --queue with --offline, and on the embedded database, in one line', async () => {
    const offline = await runCli(dir, ['schedule', '--queue', '--offline', '--cron', '* * * * *'])
    expect(offline.code).toBe(2)
    expect(offline.stderr).toMatch(/^eurowatch: --queue: the workers crawl the sites themselves/)
    const withoutCron = await runCli(dir, ['serve', '--queue'])
    expect(withoutCron.code).toBe(2)
    expect(withoutCron.stderr).toMatch(/^eurowatch: --queue goes with --cron/)
    const embedded = await runCli(dir, ['enqueue'])
    expect(embedded.code).toBe(2)
    expect(embedded.stderr.trim().split('\n')[0]).toMatch(/eurowatch enqueue needs PostgreSQL: set DATABASE_URL/)
    expect(embedded.stderr).not.toMatch(/\n\s+at /)
  })
})
