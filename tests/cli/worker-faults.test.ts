// `eurowatch worker` on real PostgreSQL, beyond the happy path: politeness kept by three workers
// together, refusals of a schema not current and of PGlite, SIGTERM with a job in hand, and the
// database going away under a running worker.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Replica } from '../../replica/index.ts'
import { createCliDatabase, type CliDatabase } from './support/cli-database.ts'
import { runCli } from './support/cli.ts'
import { queuedRunId, startReplicas, startWorker, waitForDiffedRun, WORKER_LISTINGS, writeWorkerConfig, type WorkerProcess } from './support/workers.ts'

// longer than a host passing from one worker to the next usually takes (0.8-2 s: polls, a busy
// host's job sent again 2 s later), so that workers pacing themselves alone would be seen
const DELAY_SECONDS = 2
// how late a request may reach the replica after its turn on a loaded machine (timers, event loops):
// the turns are spaced exactly, their arrivals within this (seen up to ~95 ms on 2 busy cores)
const ARRIVAL_JITTER_MS = 150
// a log line (or a line of it) of a stack trace
const STACK = /^\s+at /m

describe('eurowatch worker: faults and politeness', { timeout: 300_000 }, () => {
  let replicas: Replica[]
  let dir: string
  let workers: WorkerProcess[] = []
  const databases: CliDatabase[] = []
  beforeAll(async () => {
    replicas = await startReplicas(3)
    dir = mkdtempSync(join(tmpdir(), 'eurowatch-worker-faults-'))
  })
  beforeEach(() => {
    for (const replica of replicas) {
      replica.setStep(0)
      replica.setFaults([])
      replica.resetRequests()
    }
    writeWorkerConfig(dir, replicas)
  })
  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL')
    await Promise.all(databases.map((database) => database.drop()))
    await Promise.all(replicas.map((replica) => replica.close()))
    rmSync(dir, { recursive: true, force: true })
  })
  const migrated = async (): Promise<CliDatabase> => {
    const database = await createCliDatabase('postgres', dir)
    databases.push(database)
    const migrate = await runCli(dir, ['migrate'], database.env)
    expect(migrate.code, migrate.stderr).toBe(0)
    return database
  }
  const enqueue = async (database: CliDatabase): Promise<number> => {
    const enqueued = await runCli(dir, ['enqueue'], database.env)
    expect(enqueued.code, enqueued.stderr).toBe(0)
    return queuedRunId(enqueued.stdout)
  }
  const stopAll = async () => {
    await Promise.all(
      workers.map(async (worker) => {
        worker.child.kill('SIGTERM')
        expect(await worker.exited, worker.stderr()).toBe(0)
      }),
    )
    workers = []
  }

  it('three workers keep perHostDelaySeconds between any two requests to a host, and crawl one listing of a host at a time', async () => {
    // a few pages a listing and no entries' own pages: fewer requests, each a hand-over more likely
    writeWorkerConfig(dir, replicas, '', { politeness: `{ perHostDelaySeconds: ${DELAY_SECONDS}, maxPagesPerListing: 2, detailPagesPerRun: 0 }` })
    const database = await migrated()
    workers = [0, 1, 2].map(() => startWorker(dir, database))
    const runId = await enqueue(database)
    await waitForDiffedRun(database, runId)
    const three = workers
    await stopAll()
    // every worker took jobs: the requests below came from several processes
    const done = three.map((worker) => Number(/"jobsDone":(\d+)/.exec(worker.stderr())?.[1] ?? 0))
    expect(done.every((count) => count > 0), done.join(' ')).toBe(true)
    const host0 = replicas[0] as Replica
    for (const replica of replicas) {
      const times = replica
        .requests()
        .map((request) => request.at)
        .sort((a, b) => a - b)
      expect(times.length, replica.origin).toBeGreaterThan(1)
      const gaps = times.slice(1).map((at, index) => at - (times[index] as number))
      expect(Math.min(...gaps), `${replica.origin}: ${gaps.join(' ')}`).toBeGreaterThanOrEqual(DELAY_SECONDS * 1000 - ARRIVAL_JITTER_MS)
    }
    // the first host's four listings were crawled one after another, whichever worker took each
    const crawls = await database.read((db) =>
      db
        .selectFrom('listing_crawl as lc')
        .innerJoin('listing as l', 'l.id', 'lc.listing_id')
        .select(['l.source_id', 'lc.status', 'lc.started_at', 'lc.finished_at'])
        .where('lc.run_id', '=', runId)
        .orderBy('lc.started_at')
        .execute(),
    )
    // partial: stopped at maxPagesPerListing
    expect(crawls.map((crawl) => crawl.status)).toEqual(WORKER_LISTINGS.map(() => 'partial'))
    const firstHost = new Set(WORKER_LISTINGS.filter((listing) => listing.host === 0).map((listing) => listing.name))
    const onHost0 = crawls.filter((crawl) => firstHost.has(crawl.source_id))
    expect(onHost0).toHaveLength(firstHost.size)
    for (const [index, crawl] of onHost0.slice(1).entries()) {
      expect((onHost0[index]?.finished_at as Date).getTime(), `${crawl.source_id} started before the one before it finished`).toBeLessThanOrEqual(crawl.started_at.getTime())
    }
    expect(host0.requests().length).toBeGreaterThanOrEqual(firstHost.size)
  })

  it('refuses to start, one line naming `eurowatch migrate`, on a schema not current (ours or the queue\'s); on PGlite, one line saying it needs PostgreSQL', async () => {
    const database = await migrated()
    // the queue's schema one version behind
    await database.read((db) => sql`update pgboss.version set version = version - 1`.execute(db))
    const oldQueue = await runCli(dir, ['worker'], database.env)
    expect(oldQueue.code, oldQueue.stderr).toBe(2)
    expect(oldQueue.stderr).toMatch(/^eurowatch: .*pgboss.*out of date: run `eurowatch migrate`.*\n$/)
    expect(oldQueue.stderr.split('\n')).toHaveLength(2)
    // `migrate` brings it back; then our last migration undone
    expect((await runCli(dir, ['migrate'], database.env)).code).toBe(0)
    await database.read((db) => sql`delete from kysely_migration where name = (select max(name) from kysely_migration)`.execute(db))
    const oldSchema = await runCli(dir, ['worker'], database.env)
    expect(oldSchema.code, oldSchema.stderr).toBe(2)
    expect(oldSchema.stderr).toMatch(/^eurowatch: the database schema is out of date, 1 migration not applied .*: run `eurowatch migrate`.*\n$/)
    expect(oldSchema.stderr.split('\n')).toHaveLength(2)

    // PGlite: the queue needs PostgreSQL, said before any embedded database is made (none is left behind)
    const pglite = await runCli(dir, ['worker'], { DATABASE_URL: '' })
    expect(pglite.code, pglite.stderr).toBe(2)
    expect(pglite.stderr).toMatch(/^eurowatch: eurowatch worker needs PostgreSQL: set DATABASE_URL.*\n$/)
    const pgliteEnqueue = await runCli(dir, ['enqueue'], { DATABASE_URL: '' })
    expect(pgliteEnqueue.code, pgliteEnqueue.stderr).toBe(2)
    expect(pgliteEnqueue.stderr).toMatch(/^eurowatch: eurowatch enqueue needs PostgreSQL: set DATABASE_URL.*\n$/)
    expect(existsSync(join(dir, '.eurowatch'))).toBe(false)
    for (const result of [oldQueue, oldSchema, pglite, pgliteEnqueue]) expect(result.stderr).not.toMatch(STACK)
  })

  it('SIGTERM lets the job in hand finish, then exits 0', async () => {
    const database = await migrated()
    // the second host's listing answers slowly: the worker is inside its crawl when told to stop
    const slowHost = replicas[1] as Replica
    slowHost.setFaults([{ kind: 'slow', delayMs: 3000, match: '/urban-net/news/' }])
    const runId = await enqueue(database)
    const worker = startWorker(dir, database)
    workers = [worker]
    const host = new URL(slowHost.origin).host
    await until(async () => (await database.read((db) => db.selectFrom('crawl_host').select('holder').where('host', '=', host).executeTakeFirst()))?.holder != null, 60_000)
    worker.child.kill('SIGTERM')
    expect(await worker.exited, worker.stderr()).toBe(0)
    workers = []
    expect(worker.stderr()).toContain('stopping: the jobs in hand get')
    const crawl = await database.read((db) =>
      db
        .selectFrom('listing_crawl as lc')
        .innerJoin('listing as l', 'l.id', 'lc.listing_id')
        .select(['lc.status'])
        .where('lc.run_id', '=', runId)
        .where('l.source_id', '=', 'urban-net-a')
        .executeTakeFirstOrThrow(),
    )
    expect(crawl.status, worker.stderr()).toBe('complete')
    expect(slowHost.requests().length).toBeGreaterThan(0)
  })

  it('a worker whose database connections are cut for a few seconds logs one line for the outage and goes on working', async () => {
    const database = await migrated()
    const worker = startWorker(dir, database)
    workers = [worker]
    await until(async () => worker.stderr().includes('"worker started"'), 60_000)
    await cutConnections(database, 4000)
    const runId = await enqueue(database)
    await waitForDiffedRun(database, runId)
    const stderr = worker.stderr()
    await stopAll()
    expect(stderr.match(/database unreachable/g) ?? [], stderr).toHaveLength(1)
    expect(stderr).not.toMatch(STACK)
  })

  it('connections cut while a crawl is in hand: one line for the outage, the run is finished all the same', async () => {
    const database = await migrated()
    for (const replica of replicas) replica.setFaults([{ kind: 'slow', delayMs: 1500 }])
    const runId = await enqueue(database)
    const worker = startWorker(dir, database)
    workers = [worker]
    await until(async () => (await database.read((db) => db.selectFrom('crawl_host').select('holder').where('holder', 'is not', null).execute())).length > 0, 60_000)
    await cutConnections(database, 4000)
    await waitForDiffedRun(database, runId).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${worker.stderr()}`)
    })
    const stderr = worker.stderr()
    expect(worker.child.exitCode, stderr).toBeNull()
    await stopAll()
    expect(stderr.match(/database unreachable/g) ?? [], stderr).toHaveLength(1)
    expect(stderr).not.toMatch(STACK)
  })
})

/** Ends every connection to the database but the test's own, again and again for `ms`. */
async function cutConnections(database: CliDatabase, ms: number): Promise<void> {
  const name = new URL(database.env.DATABASE_URL as string).pathname.slice(1)
  await database.read(async (db) => {
    const end = Date.now() + ms
    while (Date.now() < end) {
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`.execute(db)
      await sleep(100)
    }
  })
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`)
    await sleep(100)
  }
}
