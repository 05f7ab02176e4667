// Crawl workers at scale: sites of five legacy listings each, every site on a host of its own
// (a replica on its own loopback address, 127.0.x.y; its listing pages 50 ms slow), crawled by
// 1, 2 and 4 `eurowatch worker` processes from one `eurowatch enqueue`, beside `eurowatch run`
// alone on the same sites; then pg-boss's own cost (bench/workers-queue.ts).
// Alone: `npm run build && npx tsx bench/workers.ts [sites]` (PostgreSQL: DATABASE_URL /
// TEST_DATABASE_URL, else a throwaway embedded server).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { legacyListingPaths, startReplica, type Replica } from '../replica/index.ts'
import { startThrowawayServer } from '../tests/support/postgres-server.ts'
import { createDatabase } from './crawl.ts'
import { productNodeFlags } from './startup.ts'
import { benchQueue, formatQueueBench, type QueueFigures } from './workers-queue.ts'

const BIN = fileURLToPath(new URL('../bin/eurowatch.js', import.meta.url))
const PAGE_DELAY_MS = 50
/** Listing pages per site: 3 + 2 + 3 (archive of 3 pages) + 4 + 5. */
const SITE_LISTINGS = legacyListingPaths().filter((path) => !path.includes('smart-cities'))
/** Listings a worker process crawls at once: `run`'s default maxConcurrency, so that one worker and `run` compare. */
const WORKER_CONCURRENCY = 4
const WORKER_COUNTS = [1, 2, 4]

export interface CrawlTiming {
  label: string
  seconds: number
  listingsPerSecond: number
  /** Requests for robots.txt the sites served: one per host is the least. */
  robotsRequests: number
}

export interface WorkersFigures {
  sites: number
  listings: number
  pages: number
  run: CrawlTiming
  workers: (CrawlTiming & { workers: number } & CrawlJobTimes)[]
  queue: QueueFigures
}

export async function benchWorkers(options: { sites: number; serverUrl?: string }): Promise<WorkersFigures> {
  const server = options.serverUrl ? { url: options.serverUrl, stop: async () => undefined } : await startThrowawayServer()
  const replicas = await startSites(options.sites)
  const dir = mkdtempSync(join(tmpdir(), 'eurowatch-bench-workers-'))
  try {
    writeSitesConfig(dir, replicas)
    const listings = replicas.length * SITE_LISTINGS.length
    const run = await inDatabase(server.url, async (url) => {
      const started = performance.now()
      await cli(dir, url, ['run', '--format', 'json'])
      return timing('run alone', listings, started, replicas)
    })
    const pages = replicas.reduce((sum, replica) => sum + replica.requests().filter((request) => !request.path.startsWith('/robots')).length, 0)
    const workers = []
    for (const count of WORKER_COUNTS) {
      for (const replica of replicas) replica.resetRequests()
      workers.push(await inDatabase(server.url, (url) => timeWorkers(dir, url, count, replicas)))
    }
    const queue = await inDatabase(server.url, async (url) => {
      await cli(dir, url, ['migrate'])
      return benchQueue(url)
    })
    return { sites: replicas.length, listings, pages, run, workers, queue }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await Promise.all(replicas.map((replica) => replica.close()))
    await server.stop()
  }
}

export function formatWorkersBench(f: WorkersFigures): string[] {
  const describe = (t: CrawlTiming) => `${t.label}: ${t.seconds.toFixed(1)} s = ${t.listingsPerSecond.toFixed(1)} listings/s, ${t.robotsRequests} robots.txt requests`
  const one = f.workers.find((w) => w.workers === 1)
  return [
    `${f.sites} sites x ${SITE_LISTINGS.length} listings = ${f.listings} listings, ${f.pages} listing pages (${PAGE_DELAY_MS} ms each), first crawl into a fresh database, diffed`,
    describe(f.run),
    ...f.workers.map(
      (w) =>
        `${describe(w)}; / run ${(w.listingsPerSecond / f.run.listingsPerSecond).toFixed(2)}; / one worker ${one ? (w.listingsPerSecond / one.listingsPerSecond).toFixed(2) : '-'}; ` +
        `${w.jobs} crawl jobs (${w.jobs - f.listings} sent again for a busy host), each ran ${w.jobActiveMs.toFixed(0)} ms on average after waiting ${(w.jobWaitMs / 1000).toFixed(1)} s in the queue`,
    ),
    ...(one
      ? [
          `one worker's time / run's = ${(one.seconds / f.run.seconds).toFixed(2)} (target <= 1.2); ` +
            `a listing took run ${((f.run.seconds * 1000 * WORKER_CONCURRENCY) / f.listings).toFixed(0)} ms of one of its ${WORKER_CONCURRENCY} slots, one worker's crawl job ${one.jobActiveMs.toFixed(0)} ms`,
        ]
      : []),
    ...formatQueueBench(f.queue),
  ]
}

/** One replica per site, each on its own loopback address from 127.0.1.1 (Linux routes 127/8 to lo). */
function startSites(count: number): Promise<Replica[]> {
  const slow = [{ kind: 'slow' as const, delayMs: PAGE_DELAY_MS }] // every listing page; robots.txt is never faulted
  return Promise.all(Array.from({ length: count }, (_, index) => startReplica({ host: `127.0.${1 + Math.floor(index / 250)}.${1 + (index % 250)}`, port: 0, archivePages: 3, faults: slow })))
}

function writeSitesConfig(dir: string, replicas: Replica[]): void {
  const sources = replicas.flatMap((replica, site) => SITE_LISTINGS.map((path, index) => `  - { name: site-${site}-${index}, profile: eurocities-legacy, url: '${replica.origin}${path}' }`))
  writeFileSync(
    join(dir, 'eurowatch.yaml'),
    `politeness: { perHostDelaySeconds: 0 }
workers: { jobTimeoutSeconds: 600, retryDelaySeconds: 1, hostLeaseSeconds: 30, shutdownSeconds: 30 }
sources:
${sources.join('\n')}
`,
  )
}

async function timeWorkers(dir: string, url: string, count: number, replicas: Replica[]) {
  await cli(dir, url, ['migrate'])
  const workers = Array.from({ length: count }, () => startWorker(dir, url))
  try {
    await Promise.all(workers.map((worker) => worker.ready))
    const started = performance.now()
    const { stdout } = await cli(dir, url, ['enqueue'])
    const runId = Number(/^run (\d+): /m.exec(stdout)?.[1])
    await waitForDiffed(url, runId)
    const jobs = await crawlJobTimes(url)
    const label = `${count} worker${count === 1 ? '' : 's'} (${WORKER_CONCURRENCY} listings at a time each)`
    return { ...timing(label, replicas.length * SITE_LISTINGS.length, started, replicas), workers: count, ...jobs }
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()))
  }
}

function timing(label: string, listings: number, started: number, replicas: Replica[]): CrawlTiming {
  const seconds = (performance.now() - started) / 1000
  const robotsRequests = replicas.reduce((sum, replica) => sum + replica.requests().filter((request) => request.path.startsWith('/robots')).length, 0)
  return { label, seconds, listingsPerSecond: listings / seconds, robotsRequests }
}

function startWorker(dir: string, url: string): { ready: Promise<void>; stop(): Promise<void> } {
  const child: ChildProcess = spawn('node', [...productNodeFlags(), BIN, 'worker', '--concurrency', String(WORKER_CONCURRENCY), '--poll-seconds', '0.5'], {
    cwd: dir,
    env: { ...process.env, DATABASE_URL: url },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()))
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      if (stderr.includes('taking crawl jobs')) resolve()
    })
    void exited.then(() => reject(new Error(`a worker exited before taking jobs: ${stderr}`)))
  })
  return {
    ready,
    async stop() {
      child.kill('SIGTERM')
      await exited
    },
  }
}

function cli(dir: string, url: string, args: string[]): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [...productNodeFlags(), BIN, ...args], { cwd: dir, env: { ...process.env, DATABASE_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('close', (code) => (code === 0 ? resolve({ stdout }) : reject(new Error(`eurowatch ${args[0]} exited ${code}: ${stderr}`))))
  })
}

async function inDatabase<T>(serverUrl: string, work: (url: string) => Promise<T>): Promise<T> {
  const database = await createDatabase(serverUrl)
  try {
    return await work(database.url)
  } finally {
    await database.drop()
  }
}

async function waitForDiffed(url: string, runId: number): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    for (;;) {
      const { rows } = await client.query<{ diffed: boolean }>('select diffed_at is not null as diffed from crawl_run where id = $1', [runId])
      if (rows[0]?.diffed) return
      await sleep(100)
    }
  } finally {
    await client.end()
  }
}

interface CrawlJobTimes {
  /** Crawl jobs completed: one per listing, and one more each time a job found its host busy and was sent again. */
  jobs: number
  jobActiveMs: number
  jobWaitMs: number
}

/** A crawl job's mean time in a worker's hands, and in the queue before (pg-boss's own timestamps). */
async function crawlJobTimes(url: string): Promise<CrawlJobTimes> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query<{ jobs: string; active: number; wait: number }>(
      `select count(*) as jobs, avg(extract(epoch from completed_on - started_on)) * 1000 as active, avg(extract(epoch from started_on - created_on)) * 1000 as wait
       from pgboss.job where name = 'eurowatch-crawl' and state = 'completed'`,
    )
    return { jobs: Number(rows[0]?.jobs ?? 0), jobActiveMs: Number(rows[0]?.active ?? 0), jobWaitMs: Number(rows[0]?.wait ?? 0) }
  } finally {
    await client.end()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sites = Number(process.argv[2] ?? 20)
  const figures = await benchWorkers({ sites, serverUrl: process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL })
  for (const text of formatWorkersBench(figures)) process.stdout.write(`${text}\n`)
}
