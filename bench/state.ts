// The state file of `run --state` (CI runners that start empty): its size for the demo's data
// and for the 1,000-page listing after 30 unchanged runs, and the time `--state` adds to an
// unchanged run of the demo's listings, beside the same run on a data directory that stays.
// Run alone: `tsx bench/state.ts [pages] [runs]`.
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { pino } from 'pino'
import { closeDatabase, openDatabase } from '../db/connection.ts'
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
  listing: { pages: number; runs: number; stateBytes: number; dataDirBytes: number }
}

export async function benchState(options: { pages?: number; runs?: number } = {}): Promise<StateFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'eurowatch-bench-state-'))
  try {
    const withState = join(dir, 'with-state')
    const plain = join(dir, 'plain')
    // the demo's configuration in each runner's folder, whose data directory is beside it
    for (const runner of [withState, plain]) {
      mkdirSync(runner)
      copyFileSync(DEMO_CONFIG, join(runner, 'eurowatch.yaml'))
    }
    const cli = (cwd: string, args: string[]): number => {
      const started = performance.now()
      execFileSync('node', [BIN, ...args], { cwd, env: { ...process.env, DATABASE_URL: '' }, stdio: 'ignore' })
      return performance.now() - started
    }
    const state = join(withState, 'state.tar.gz')
    cli(withState, ['run', '--offline', '--state', state])
    cli(plain, ['state', 'load', state])
    const plainMs: number[] = []
    const withStateMs: number[] = []
    for (let round = 0; round < ROUNDS; round += 1) {
      plainMs.push(cli(plain, ['run', '--offline']))
      withStateMs.push(cli(withState, ['run', '--offline', '--state', state]))
    }
    return { demoStateBytes: statSync(state).size, plainMs: median(plainMs), withStateMs: median(withStateMs), listing: await benchListingState(dir, options.pages ?? 1000, options.runs ?? 30) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The archive listing crawled, then crawled unchanged `runs` times (full crawls, the default), and saved as a state file. */
async function benchListingState(dir: string, pages: number, runs: number): Promise<StateFigures['listing']> {
  const replica = await startReplica({ port: 0, archivePages: pages })
  const dataDir = join(dir, 'listing')
  const db = await openDatabase({ kind: 'pglite', dataDir })
  try {
    await migrateToLatest(db)
    const settings = { ...PolitenessSchema.parse({}), perHostDelaySeconds: 0, origins: new OriginMap(['www.eurocities.eu'], replica.origin), full: true }
    const source = { name: 'archive', profile: eurocitiesLegacy, url: ARCHIVE_URL, maxPages: 100_000, render: 'http' as const, theme: null, fullCrawl: { everyRuns: 1, olderThanHours: null } }
    for (let run = 0; run <= runs; run += 1) {
      const summary = await crawlJob({ db, now: () => new Date(), log: pino({ level: 'silent' }) }, [source], settings)
      if (summary.status !== 'complete') throw new Error(`bench state: crawl ${summary.status}`)
    }
    const stateBytes = await saveStateFile(db, join(dir, 'listing.tar.gz'))
    return { pages, runs, stateBytes, dataDirBytes: Number(execFileSync('du', ['-sb', dataDir], { encoding: 'utf8' }).split('\t')[0]) }
  } finally {
    await closeDatabase(db)
    await replica.close()
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`

export function formatStateBench(figures: StateFigures): string[] {
  const added = figures.withStateMs - figures.plainMs
  return [
    `state file of the demo's data (four legacy listings, one run): ${mb(figures.demoStateBytes)}`,
    `state file of the ${figures.listing.pages}-page listing after ${figures.listing.runs} unchanged runs: ${mb(figures.listing.stateBytes)} (data directory ${mb(figures.listing.dataDirBytes)})`,
    `unchanged run of the demo's listings: ${(figures.plainMs / 1000).toFixed(1)} s on a data directory that stays, ${(figures.withStateMs / 1000).toFixed(1)} s with --state ` +
      `(medians of ${ROUNDS} paired rounds): --state adds ${(added / 1000).toFixed(2)} s (target: at most 1 s), ratio ${(figures.withStateMs / figures.plainMs).toFixed(2)}`,
  ]
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const text of formatStateBench(await benchState({ pages: Number(process.argv[2] ?? 1000), runs: Number(process.argv[3] ?? 30) }))) process.stdout.write(`${text}\n`)
}
