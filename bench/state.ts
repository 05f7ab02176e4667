// The state file of `run --state` (CI runners that start empty): its size for the demo's data
// and for the 1,000-page listing after 30 unchanged runs, and the time `--state` adds to an
// unchanged run of the demo's listings, beside the same run on a data directory that stays.
// The listing's unchanged runs are the steady state between full crawls: the first run full,
// the others incremental (31 full crawls of 1,000 pages took over an hour on a loaded 2-core
// machine); `fullEvery` schedules a full crawl every so many runs (`fullCrawl.everyRuns`).
// The listing's line is printed as soon as it is measured.
// Run alone: `tsx bench/state.ts [pages] [runs] [fullEvery]`.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { sql } from 'kysely'
import { pino } from 'pino'
import { closeDatabase, openDatabase } from '../db/connection.ts'
import { packDataDir } from '../db/data-dir-archive.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { crawlJob } from '../jobs/crawl.ts'
import { OriginMap } from '../crawlers/origin-map.ts'
import { eurocitiesLegacy } from '../parsers/eurocities-legacy.ts'
import { startReplica } from '../replica/index.ts'
import { PolitenessSchema } from '../src/config/schema.ts'
import { saveStateFile } from '../src/cli/state-file.ts'
import { ARCHIVE_URL } from './archive.ts'

const BIN = resolve(import.meta.dirname, '../bin/eurowatch.js')
const DEMO_CONFIG = resolve(import.meta.dirname, '../examples/eurocities-legacy.yaml')
const ROUNDS = Number(process.env.BENCH_STATE_ROUNDS ?? 3)

export interface StateFigures {
  demoStateBytes: number
  /** Medians of paired rounds of an unchanged run: on a data directory that stays, and with --state. */
  plainMs: number
  withStateMs: number
  /** The same runs' CPU time (user and system), steadier than wall time on a shared machine; null where it cannot be read. */
  plainCpuMs: number | null
  withStateCpuMs: number | null
  listing: ListingState
}

interface ListingState {
  pages: number
  runs: number
  fullEvery: number
  /** The runs' crawls by mode, the first (the baseline) included. */
  fullCrawls: number
  incrementalCrawls: number
  stateBytes: number
  dataDirBytes: number
}

/** `measured`, when given, hears the listing's line as soon as it is known (its runs take long; the timed rounds come after). */
export async function benchState(options: { pages?: number; runs?: number; fullEvery?: number; measured?: (line: string) => void } = {}): Promise<StateFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'eurowatch-bench-state-'))
  try {
    const listing = await benchListingState(dir, options.pages ?? 1000, options.runs ?? 30, options.fullEvery ?? (options.runs ?? 30) + 1)
    options.measured?.(listingLine(listing))
    const withState = join(dir, 'with-state')
    const plain = join(dir, 'plain')
    // the demo's configuration in each runner's folder, whose data directory is beside it
    for (const runner of [withState, plain]) {
      mkdirSync(runner)
      copyFileSync(DEMO_CONFIG, join(runner, 'eurowatch.yaml'))
    }
    const cli = (cwd: string, args: string[]) => {
      const started = performance.now()
      const cpu = childrenCpuMs()
      execFileSync('node', [BIN, ...args], { cwd, env: { ...process.env, DATABASE_URL: '' }, stdio: 'ignore' })
      const after = childrenCpuMs()
      return { ms: performance.now() - started, cpuMs: cpu === null || after === null ? null : after - cpu }
    }
    const state = join(withState, 'state.tar.gz')
    cli(withState, ['run', '--offline', '--state', state])
    const demoStateBytes = statSync(state).size
    cli(plain, ['state', 'load', state])
    const plainRuns = []
    const withStateRuns = []
    for (let round = 0; round < ROUNDS; round += 1) {
      plainRuns.push(cli(plain, ['run', '--offline']))
      withStateRuns.push(cli(withState, ['run', '--offline', '--state', state]))
    }
    const cpuOf = (runs: { cpuMs: number | null }[]) => (runs.some((run) => run.cpuMs === null) ? null : median(runs.map((run) => run.cpuMs as number)))
    return {
      demoStateBytes,
      plainMs: median(plainRuns.map((run) => run.ms)),
      withStateMs: median(withStateRuns.map((run) => run.ms)),
      plainCpuMs: cpuOf(plainRuns),
      withStateCpuMs: cpuOf(withStateRuns),
      listing,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The archive listing crawled, then crawled unchanged `runs` times (a full crawl every `fullEvery`), and saved as `run --state` saves it. */
async function benchListingState(dir: string, pages: number, runs: number, fullEvery: number): Promise<ListingState> {
  const replica = await startReplica({ port: 0, archivePages: pages })
  const dataDir = join(dir, 'listing')
  const db = await openDatabase({ kind: 'pglite', dataDir })
  let crawls = new Map<string, number>()
  try {
    await migrateToLatest(db)
    const settings = { ...PolitenessSchema.parse({}), perHostDelaySeconds: 0, origins: new OriginMap(['www.eurocities.eu'], replica.origin) }
    const source = { name: 'archive', profile: eurocitiesLegacy, url: ARCHIVE_URL, maxPages: 100_000, render: 'http' as const, theme: null, fullCrawl: { everyRuns: fullEvery, olderThanHours: null } }
    for (let run = 0; run <= runs; run += 1) {
      const summary = await crawlJob({ db, now: () => new Date(), log: pino({ level: 'silent' }) }, [source], settings)
      if (summary.status !== 'complete') throw new Error(`bench state: crawl ${summary.status}`)
    }
    const { rows } = await sql<{ mode: string; crawls: number }>`select status as mode, count(*)::int as crawls from listing_crawl group by status`.execute(db)
    crawls = new Map(rows.map((row) => [row.mode, row.crawls]))
  } finally {
    await closeDatabase(db)
    await replica.close()
  }
  // as `run --state` writes it: the closed data directory
  const stateBytes = await saveStateFile(packDataDir(dataDir), join(dir, 'listing.tar.gz'))
  return { pages, runs, fullEvery, fullCrawls: crawls.get('complete') ?? 0, incrementalCrawls: crawls.get('incremental') ?? 0, stateBytes, dataDirBytes: Number(execFileSync('du', ['-sb', dataDir], { encoding: 'utf8' }).split('\t')[0]) }
}

/** CPU time of this process's children that have ended (Linux: cutime and cstime of /proc/self/stat, in ticks of 10 ms); null elsewhere. */
function childrenCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8')
    // the fields after the command's name, from the third (state) on: cutime is the 16th, cstime the 17th
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[13]) + Number(fields[14])) * 10
  } catch {
    return null
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`

function listingLine(listing: ListingState): string {
  return (
    `state file of the ${listing.pages}-page listing after ${listing.runs} unchanged runs (a full crawl every ${listing.fullEvery}: ` +
    `${listing.fullCrawls} full crawls, the first included, and ${listing.incrementalCrawls} incremental): ${mb(listing.stateBytes)} (data directory ${mb(listing.dataDirBytes)})`
  )
}

export function formatStateBench(figures: StateFigures): string[] {
  const added = figures.withStateMs - figures.plainMs
  return [
    `state file of the demo's data (four legacy listings, one run): ${mb(figures.demoStateBytes)}`,
    listingLine(figures.listing),
    `unchanged run of the demo's listings: ${(figures.plainMs / 1000).toFixed(1)} s on a data directory that stays, ${(figures.withStateMs / 1000).toFixed(1)} s with --state ` +
      `(medians of ${ROUNDS} paired rounds): --state adds ${(added / 1000).toFixed(2)} s (target: at most 1 s), ratio ${(figures.withStateMs / figures.plainMs).toFixed(2)}`,
    ...(figures.plainCpuMs === null || figures.withStateCpuMs === null
      ? []
      : [`  CPU time (user and system) of the same runs: ${(figures.plainCpuMs / 1000).toFixed(2)} s and ${(figures.withStateCpuMs / 1000).toFixed(2)} s: --state adds ${((figures.withStateCpuMs - figures.plainCpuMs) / 1000).toFixed(2)} s`]),
  ]
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const printed = new Set<string>()
  const measured = (text: string) => {
    if (!printed.has(text)) process.stdout.write(`${text}\n`)
    printed.add(text)
  }
  for (const text of formatStateBench(await benchState({ pages: Number(process.argv[2] ?? 1000), runs: Number(process.argv[3] ?? 30), fullEvery: process.argv[4] === undefined ? undefined : Number(process.argv[4]), measured }))) measured(text)
}
