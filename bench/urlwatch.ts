// eurowatch beside urlwatch (the Debian package) over the same 17 legacy replica pages: the demo's
// four legacy listings, each page watched by urlwatch with a css filter. The replica runs here, in
// the benchmark's process, so neither tool pays for it and it counts what each one downloads.
// Each round gives every tool a fresh state (a cache file, a database), a first run and an unchanged
// re-run, the tools in turns (the order alternating); the figures are medians over the rounds, the
// wall time ratio the median of each round's pair. Wall time, CPU time and peak RSS of each run are
// those of its process, read by wait4 in a small python3 wrapper (urlwatch is python3 too).
// eurowatch runs on PGlite and, when DATABASE_URL / TEST_DATABASE_URL names a server or the
// embedded PostgreSQL of the tests can start, on PostgreSQL.
// Alone: `npx tsx bench/urlwatch.ts` (after `npm run build`); BENCH_URLWATCH_ROUNDS sets the rounds (5).
import { execFile, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import type { TestProject } from 'vitest/node'
import { eurocitiesLegacy } from '../parsers/eurocities-legacy.ts'
import { startReplica, type Replica } from '../replica/index.ts'
import { createDatabase } from './crawl.ts'
import { productNodeFlags } from './startup.ts'

const execute = promisify(execFile)
const BIN = fileURLToPath(new URL('../bin/eurowatch.js', import.meta.url))
export const LEGACY_LISTING_PATHS = ['/eurocities/issues/social-innovation-issue', '/eurocities/issues/innovation-issue', '/eurocities/issues/smart-cities-issue', '/eurocities/documents&sector=social-affairs']
const LEGACY_ORIGIN = 'http://www.eurocities.eu'
const EXPECTED_PAGES = 17

// Runs argv[2:] and writes what wait4 says of it, as JSON, to the file in argv[1]; its own output goes on.
const MEASURE = `
import json, os, sys, time
started = time.monotonic()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], 'w') as out:
    json.dump({'ms': (time.monotonic() - started) * 1000, 'cpuMs': (usage.ru_utime + usage.ru_stime) * 1000, 'rssKb': usage.ru_maxrss, 'status': os.waitstatus_to_exitcode(status)}, out)
`

export type Tool = 'urlwatch' | 'eurowatch on pglite' | 'eurowatch on postgres'

/** One run of one tool: its process's figures and what the replica served it. */
export interface RunFigures {
  ms: number
  cpuMs: number
  rssMb: number
  requests: number
  /** Answers 304 Not Modified. */
  notModified: number
  /** Body bytes the replica sent. */
  bytes: number
}

export interface ToolFigures {
  tool: Tool
  /** Medians over the rounds. */
  first: RunFigures
  rerun: RunFigures
  /** Median over the rounds of this tool's unchanged re-run time over urlwatch's in the same round. */
  rerunRatio: number
  /** The same for CPU time. */
  rerunCpuRatio: number
}

export type UrlwatchBench = { skipped: string } | { rounds: number; pages: number; listings: number; tools: ToolFigures[]; postgres: 'measured' | 'no server' }

export async function benchUrlwatch(options: { serverUrl?: string; rounds?: number } = {}): Promise<UrlwatchBench> {
  if (!onPath('urlwatch')) return { skipped: 'urlwatch is not on PATH (Debian/Ubuntu: apt-get install urlwatch): the side-by-side benchmark is skipped' }
  if (!onPath('python3')) return { skipped: 'python3 is not on PATH: the side-by-side benchmark is skipped' }
  const rounds = options.rounds ?? Number(process.env.BENCH_URLWATCH_ROUNDS ?? 5)
  const server = await postgresServer(options.serverUrl)
  const replica = await startReplica({ port: 0 })
  const dir = mkdtempSync(join(tmpdir(), 'eurowatch-bench-urlwatch-'))
  try {
    const pages = await legacyPageUrls(replica)
    if (pages.length !== EXPECTED_PAGES) throw new Error(`the demo's legacy listings have ${pages.length} pages on the replica, not ${EXPECTED_PAGES}`)
    const tools: Tool[] = ['urlwatch', 'eurowatch on pglite', ...(server ? (['eurowatch on postgres'] as const) : [])]
    const runs = new Map<Tool, { first: RunFigures; rerun: RunFigures }[]>(tools.map((tool) => [tool, []]))
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? tools : [...tools].reverse()
      for (const tool of order) {
        const state = mkdtempSync(join(dir, 'round-'))
        const database = tool === 'eurowatch on postgres' && server ? await createDatabase(server.url) : null
        try {
          const once = tool === 'urlwatch' ? urlwatchRunner(pages, state) : eurowatchRunner(replica, state, database?.url)
          runs.get(tool)?.push({ first: await measured(replica, state, once), rerun: await measured(replica, state, once) })
        } finally {
          await database?.drop()
          rmSync(state, { recursive: true, force: true })
        }
      }
    }
    const urlwatchReruns = runs.get('urlwatch')?.map((run) => run.rerun.ms) ?? []
    const urlwatchRerunsCpu = runs.get('urlwatch')?.map((run) => run.rerun.cpuMs) ?? []
    return {
      rounds,
      pages: pages.length,
      listings: LEGACY_LISTING_PATHS.length,
      postgres: server ? 'measured' : 'no server',
      tools: tools.map((tool) => {
        const own = runs.get(tool) ?? []
        return {
          tool,
          first: medianRun(own.map((run) => run.first)),
          rerun: medianRun(own.map((run) => run.rerun)),
          rerunRatio: median(own.map((run, round) => run.rerun.ms / (urlwatchReruns[round] ?? Number.NaN))),
          rerunCpuRatio: median(own.map((run, round) => run.rerun.cpuMs / (urlwatchRerunsCpu[round] ?? Number.NaN))),
        }
      }),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await replica.close()
    await server?.stop()
  }
}

export function formatUrlwatchBench(bench: UrlwatchBench): string[] {
  if ('skipped' in bench) return [bench.skipped]
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
  const run = (figures: RunFigures) =>
    `${(figures.ms / 1000).toFixed(2)} s, CPU ${(figures.cpuMs / 1000).toFixed(2)} s, peak RSS ${figures.rssMb.toFixed(0)} MB, ` +
    `${figures.requests} requests (${figures.notModified} answered 304), ${kb(figures.bytes)} downloaded`
  const urlwatch = bench.tools.find((tool) => tool.tool === 'urlwatch')
  const lines = [`${bench.pages} pages of ${bench.listings} listings, ${bench.rounds} paired rounds, medians`]
  for (const tool of bench.tools) {
    lines.push(`${tool.tool}, first run: ${run(tool.first)}`)
    lines.push(`${tool.tool}, unchanged re-run: ${run(tool.rerun)}`)
    if (tool.tool === 'urlwatch' || !urlwatch) continue
    const rssTarget = tool.tool === 'eurowatch on postgres' ? 200 : 300
    lines.push(
      `${tool.tool}, unchanged re-run against urlwatch's: wall time ratio ${tool.rerunRatio.toFixed(1)}, CPU ratio ${tool.rerunCpuRatio.toFixed(1)} (targets <= 2 on postgres); ` +
        `bytes ${kb(tool.rerun.bytes)} / ${kb(urlwatch.rerun.bytes)} (target <= urlwatch's); ` +
        `requests ${tool.rerun.requests} (target ${bench.listings + 1}: one conditional request per listing plus robots.txt); ` +
        `peak RSS ${tool.rerun.rssMb.toFixed(0)} MB (target < ${rssTarget} MB)`,
    )
  }
  if (bench.postgres === 'no server') lines.push('eurowatch on postgres: not measured (no DATABASE_URL or TEST_DATABASE_URL, and the embedded PostgreSQL of the tests did not start)')
  return lines
}

/** The URL of every page of the four listings, as the replica links them (following next links). */
async function legacyPageUrls(replica: Replica): Promise<string[]> {
  const urls: string[] = []
  for (const path of LEGACY_LISTING_PATHS) {
    let url: string | null = LEGACY_ORIGIN + path
    while (url !== null) {
      const local: string = replica.origin + url.slice(LEGACY_ORIGIN.length)
      urls.push(local)
      url = eurocitiesLegacy.parseListing(await (await fetch(local)).text(), url).nextPage
    }
  }
  replica.resetRequests()
  return urls
}

export interface Command {
  file: string
  args: string[]
  env: NodeJS.ProcessEnv
}

function urlwatchRunner(pages: string[], state: string): Command {
  const urls = join(state, 'urls.yaml')
  // one job a page, its listing's entries only: a change elsewhere on the page is not a change
  writeFileSync(urls, pages.map((url, index) => `name: page ${index + 1}\nurl: ${JSON.stringify(url)}\nfilter:\n  - css: div.newslist\n`).join('---\n'))
  return { file: 'urlwatch', args: ['--urls', urls, '--config', join(state, 'urlwatch.yaml'), '--hooks', join(state, 'hooks.py'), '--cache', join(state, 'cache.db')], env: { ...process.env } }
}

export function eurowatchRunner(replica: Replica, state: string, databaseUrl: string | undefined): Command {
  const config = join(state, 'eurowatch.yaml')
  // as `run --offline` does: the site's addresses on the loopback replica, no pause between requests;
  // listings only, as urlwatch watches them (no entries' own pages), re-read incrementally between
  // full crawls (README: "Full and incremental crawls")
  const sources = LEGACY_LISTING_PATHS.map((path, index) => `  - name: listing-${index + 1}\n    profile: eurocities-legacy\n    url: ${JSON.stringify(replica.origin + path)}\n`)
  writeFileSync(config, `politeness:\n  perHostDelaySeconds: 0\n  detailPagesPerRun: 0\nfullCrawl:\n  everyRuns: 24\ndatabase:\n  dataDir: pglite\nsources:\n${sources.join('')}`)
  return { file: 'node', args: [...productNodeFlags(), BIN, 'run', '--config', config], env: { ...process.env, CI: 'true', NO_COLOR: '1', DATABASE_URL: databaseUrl ?? '' } }
}

export async function measured(replica: Replica, state: string, command: Command): Promise<RunFigures> {
  const out = join(state, 'measured.json')
  replica.resetRequests()
  try {
    await execute('python3', ['-c', MEASURE, out, command.file, ...command.args], { cwd: state, env: command.env, maxBuffer: 50_000_000 })
  } catch (error) {
    throw new Error(`${command.file} ${command.args.join(' ')} failed: ${error instanceof Error ? error.message : String(error)}`)
  }
  const child = JSON.parse(readFileSync(out, 'utf8')) as { ms: number; cpuMs: number; rssKb: number; status: number }
  // 0: nothing to report or no --exit-code; anything else (a partial run) would make the figures meaningless
  if (child.status !== 0) throw new Error(`${command.file} ${command.args.join(' ')} exited ${child.status}`)
  const served = replica.requests()
  return {
    ms: child.ms,
    cpuMs: child.cpuMs,
    rssMb: child.rssKb / 1024,
    requests: served.length,
    notModified: served.filter((request) => request.status === 304).length,
    bytes: served.reduce((total, request) => total + request.bytes, 0),
  }
}

function medianRun(runs: RunFigures[]): RunFigures {
  const of = (pick: (run: RunFigures) => number) => median(runs.map(pick))
  return {
    ms: of((run) => run.ms),
    cpuMs: of((run) => run.cpuMs),
    rssMb: of((run) => run.rssMb),
    requests: of((run) => run.requests),
    notModified: of((run) => run.notModified),
    bytes: of((run) => run.bytes),
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2
}

function onPath(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).error === undefined
}

/** A PostgreSQL server: the one named, else the embedded one the tests start (a dev dependency), else none. */
async function postgresServer(url: string | undefined): Promise<{ url: string; stop(): Promise<void> } | null> {
  if (url) return { url, stop: async () => undefined }
  let started: string | undefined
  try {
    const { default: setup } = await import('../tests/support/postgres-server.ts')
    // the tests' globalSetup, given only the one call it makes of vitest's project
    const stop = await setup({ provide: (_key: string, value: string) => (started = value) } as unknown as TestProject)
    return started ? { url: started, stop: stop ?? (async () => undefined) } : null
  } catch {
    return null
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of formatUrlwatchBench(await benchUrlwatch({ serverUrl: process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL }))) console.log(line)
}
