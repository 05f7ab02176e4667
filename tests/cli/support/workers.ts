// Crawl workers for the CLI tests: replicas on distinct loopback addresses (one host each), a
// configuration spreading the legacy listings over them, worker processes, and waiting for a run.
import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startReplica, type Replica } from '../../../replica/index.ts'
import type { CliDatabase } from './cli-database.ts'
import { BIN } from './cli.ts'

/**
 * Six listings on three hosts: the legacy site's four on the first (they share entries, whose URLs
 * name the host they were read on), the made-up network's news on the other two (its entries' URLs
 * are absolute). The timeline changes both sites.
 */
export const WORKER_LISTINGS = [
  { name: 'social-innovation', host: 0, path: '/eurocities/issues/social-innovation-issue' },
  { name: 'innovation', host: 0, path: '/eurocities/issues/innovation-issue' },
  { name: 'smart-cities', host: 0, path: '/eurocities/issues/smart-cities-issue' },
  { name: 'documents-social-affairs', host: 0, path: '/eurocities/documents&sector=social-affairs' },
  { name: 'urban-net-a', host: 1, path: '/urban-net/news/' },
  { name: 'urban-net-b', host: 2, path: '/urban-net/news/' },
]

const URBAN_NET_SELECTORS = `{ id: urban-net, entry: ".results > article.result", title: "h3.result-title", date: "time", dateAttribute: datetime, dateFormat: iso, timeZone: Europe/Brussels, type: ".kind", themes: "ul.tags > li", summary: "p.teaser", nextPage: "nav.pager a[rel=next]" }`

/** One replica per loopback address: 127.0.0.1, 127.0.0.2, ... (Linux routes all of 127/8 to lo). */
export async function startReplicas(count: number): Promise<Replica[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => startReplica({ host: `127.0.0.${index + 1}`, port: 0 })))
}

/** What a test sets in place of the defaults below: the `workers` and `politeness` blocks. */
export interface WorkerConfigSettings {
  workers?: string
  politeness?: string
}

/** The listings on three replicas; `workers` settings short enough for a test. */
export function writeWorkerConfig(dir: string, replicas: Replica[], extra = '', settings: WorkerConfigSettings = {}): void {
  const sources = WORKER_LISTINGS.map((listing) => {
    const url = `${replicas[listing.host]?.origin}${listing.path}`
    return listing.path.startsWith('/urban-net/')
      ? `  - { name: ${listing.name}, profile: selectors, url: '${url}', selectors: ${URBAN_NET_SELECTORS} }`
      : `  - { name: ${listing.name}, profile: eurocities-legacy, url: '${url}' }`
  })
  writeFileSync(
    join(dir, 'eurowatch.yaml'),
    `politeness: ${settings.politeness ?? '{ perHostDelaySeconds: 0 }'}
workers: ${settings.workers ?? '{ jobTimeoutSeconds: 60, retryDelaySeconds: 1, maintenanceSeconds: 1, hostLeaseSeconds: 4, shutdownSeconds: 20 }'}
${extra}sources:
${sources.join('\n')}
`,
  )
}

export interface WorkerProcess {
  child: ChildProcess
  stderr: () => string
  exited: Promise<number | null>
}

export function startWorker(dir: string, db: CliDatabase, args: string[] = []): WorkerProcess {
  const child = spawn('node', [BIN, 'worker', '--poll-seconds', '0.5', ...args], { cwd: dir, env: { ...process.env, ...db.env, EUROWATCH_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
  return { child, stderr: () => stderr, exited }
}

/** Resolves once the worker says it takes jobs (its SIGTERM handler set); throws after `timeoutMs`. */
export async function waitForStart(worker: WorkerProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!worker.stderr().includes('taking crawl jobs')) {
    if (worker.child.exitCode !== null || Date.now() > deadline) throw new Error(`the worker did not start: ${worker.stderr()}`)
    await sleep(100)
  }
}

/** Resolves once the run is diffed (its finish job done); throws after `timeoutMs`. */
export async function waitForDiffedRun(db: CliDatabase, runId: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const run = await db.read((handle) => handle.selectFrom('crawl_run').select(['diffed_at', 'status']).where('id', '=', runId).executeTakeFirst())
    if (run?.diffed_at != null) return
    if (Date.now() > deadline) throw new Error(`run ${runId} not diffed within ${timeoutMs} ms (status ${run?.status ?? 'none'})`)
    await sleep(250)
  }
}

/** The run id `eurowatch enqueue` printed ("run 3: 4 listings queued"). */
export function queuedRunId(stdout: string): number {
  const match = /^run (\d+): /m.exec(stdout)
  if (match === null) throw new Error(`enqueue printed no run: ${stdout}`)
  return Number(match[1])
}

/** A JSON report without what differs between two databases watching the same site: ids and times. */
export function comparableReport(json: string): unknown {
  const drop = new Set(['generatedAt', 'scope', 'runs', 'runId', 'detectedAt'])
  return JSON.parse(json, (key, value: unknown) => (drop.has(key) ? undefined : value))
}
