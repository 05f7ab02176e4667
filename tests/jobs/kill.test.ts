// SIGKILLs at random points of `eurowatch run` (the built CLI, --offline on the bundled replica),
// across the legacy replica's timeline, on both backends. Afterwards the recorded change events
// must be exactly those of the same timeline crawled without a kill (nothing lost, nothing
// doubled, no false removal), and what the runs printed must be exactly the recorded events
// (each printed once, by some run). Some kills aim at the moment after a run's diff committed,
// before its report is printed. The seed is printed: KILL_SEED=<seed> repeats a sequence.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase, type DatabaseTarget } from '../../db/connection.ts'
import type { Database } from '../../db/schema.ts'
import { runPipeline } from '../../jobs/run.ts'
import type { CrawlSource } from '../../jobs/crawl.ts'
import { eurocitiesLegacy } from '../../parsers/eurocities-legacy.ts'
import { legacySources } from '../../src/config/defaults.ts'
import { startReplica } from '../../replica/index.ts'
import { BIN } from '../cli/support/cli.ts'
import { admin, backends, openTestDatabase, postgresServerUrl, type BackendName } from '../support/databases.ts'
import { replicaCrawlSettings, silentLog } from '../support/replica.ts'
import { seededRandom } from '../support/seeded-random.ts'

/** The listing that every step of the timeline changes: 3 pages, 27 to 30 entries. */
const SOURCES = legacySources.filter((source) => source.name === 'social-innovation')
const KILLS_PER_STEP = 4
/** Complete runs each step gets after its kills: step 4's removal needs two complete crawls without the entry. */
const COMPLETE_RUNS = [1, 1, 1, 1, 3]
/** Every so many kills waits for the diff to commit, and kills before the report is printed. */
const AFTER_DIFF_EVERY = 4

interface Invocation {
  step: number
  killed: boolean
  /** The kill came once the diff had committed (seen in the log). */
  afterDiff: boolean
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

/** `eurowatch run --offline --step N --format json`, SIGKILLed after `killAfterMs` or once the diff is logged, when asked. */
function invoke(cwd: string, env: NodeJS.ProcessEnv, step: number, kill: { afterMs: number } | { afterDiff: true } | null): Promise<Invocation> {
  const started = Date.now()
  const args = [BIN, '--log-level', 'info', 'run', '--offline', '--step', String(step), '--format', 'json']
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  let afterDiff = false
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
    if (kill !== null && 'afterDiff' in kill && !afterDiff && stderr.includes('"msg":"diff recorded"')) {
      afterDiff = true
      child.kill('SIGKILL')
    }
  })
  const timer = kill !== null && 'afterMs' in kill ? setTimeout(() => child.kill('SIGKILL'), kill.afterMs) : null
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer)
      resolve({ step, killed: signal === 'SIGKILL', afterDiff: afterDiff && signal === 'SIGKILL', code, stdout, stderr, ms: Date.now() - started })
    })
  })
}

/** A killed run's database connection may outlive it for a moment on the server: its lock with it. */
function lockedByTheKilled(invocation: Invocation): boolean {
  return invocation.code === 2 && invocation.stderr.includes('is using this database')
}

type EventRow = { run: number; kind: string; key: string; baseline: boolean }

async function recordedEvents(db: Kysely<Database>): Promise<EventRow[]> {
  const rows = await db
    .selectFrom('change_event as c')
    .innerJoin('entry as e', 'e.id', 'c.entry_id')
    .select(['c.run_id as run', 'c.kind', 'e.entry_key as key', 'c.baseline'])
    .orderBy('c.id')
    .execute()
  return rows.map((row) => ({ run: row.run, kind: row.kind, key: row.key, baseline: row.baseline }))
}

function printedEvents(invocations: Invocation[]): EventRow[] {
  return invocations.flatMap((invocation) => {
    if (invocation.stdout.trim() === '') return []
    // a killed run prints all of its report or nothing: a torn document fails here
    const report = JSON.parse(invocation.stdout) as PrintedReport
    return report.changes.map((change) => ({ run: change.runId, kind: change.kind, key: change.entry.key, baseline: false }))
  })
}

/** Baseline entries are printed as a count, not as changes: the sum over every printed report. */
function printedBaseline(invocations: Invocation[]): number {
  return invocations.reduce((sum, invocation) => (invocation.stdout.trim() === '' ? sum : sum + (JSON.parse(invocation.stdout) as PrintedReport).baseline.entries), 0)
}

interface PrintedReport {
  changes: { runId: number; kind: string; entry: { key: string } }[]
  baseline: { entries: number }
}

/** Multiset difference: the items of `a` not matched one for one in `b`. */
function missingFrom(a: string[], b: string[]): string[] {
  const left = new Map<string, number>()
  for (const item of b) left.set(item, (left.get(item) ?? 0) + 1)
  return a.filter((item) => {
    const n = left.get(item) ?? 0
    if (n === 0) return true
    left.set(item, n - 1)
    return false
  })
}

/** The same timeline without a kill, in process: one run per step, three at the last. */
async function referenceEvents(): Promise<string[]> {
  const replica = await startReplica({ port: 0 })
  const { db, close } = await openTestDatabase('pglite')
  try {
    const sources: CrawlSource[] = SOURCES.map((s) => ({ name: s.name, profile: eurocitiesLegacy, url: s.url, maxPages: 200, render: 'http', theme: null }))
    const deps = { db, now: () => new Date(), log: silentLog }
    for (const [step, runs] of COMPLETE_RUNS.entries()) {
      replica.setStep(step)
      for (let run = 0; run < runs; run++) {
        const summary = await runPipeline(deps, sources, replicaCrawlSettings(replica), { removeAfter: 2 })
        expect(summary.crawl.status).toBe('complete')
      }
    }
    return (await recordedEvents(db)).map((event) => `${event.kind} ${event.key}`)
  } finally {
    await close()
    await replica.close()
  }
}

let reference: string[] = []
beforeAll(async () => {
  reference = await referenceEvents()
}, 120_000)

// both backends at once: their runs are processes of their own
describe.concurrent.each(backends)('eurowatch run SIGKILLed at random points on %s', (backend: BackendName) => {
  let dir = ''
  let target: DatabaseTarget
  let env: NodeJS.ProcessEnv = {}
  let dropDatabase: () => Promise<void> = async () => undefined

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eurowatch-kill-'))
    // every crawl full: each run steps the replica on by months
    writeFileSync(join(dir, 'eurowatch.yaml'), `${JSON.stringify({ diff: { removeAfter: 2 }, fullCrawl: { everyRuns: 1 }, sources: SOURCES }, null, 2)}\n`)
    if (backend === 'pglite') {
      target = { kind: 'pglite', dataDir: join(dir, '.eurowatch/pglite') }
      env = { DATABASE_URL: '' }
      return
    }
    const server = postgresServerUrl()
    const name = `eurowatch_kill_${randomBytes(6).toString('hex')}`
    await admin(server, `create database ${name}`)
    const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString()
    target = { kind: 'postgres', url }
    env = { DATABASE_URL: url }
    dropDatabase = () => admin(server, `drop database if exists ${name} with (force)`)
  })

  afterAll(async () => {
    await dropDatabase()
    rmSync(dir, { recursive: true, force: true })
  })

  it('loses, doubles and falsely removes no change, and prints each exactly once', async () => {
    const seed = Number(process.env.KILL_SEED ?? randomBytes(4).readUInt32LE(0))
    const next = seededRandom(seed)
    const invocations: Invocation[] = []
    // how long a whole run takes here: kills fall anywhere in it (and now and then after it)
    let runMs = 2_000
    let kills = 0
    for (const [step, completeRuns] of COMPLETE_RUNS.entries()) {
      let killedHere = 0
      let completeHere = 0
      while (completeHere < completeRuns) {
        const killing = killedHere < KILLS_PER_STEP
        const kill = !killing ? null : (kills + 1) % AFTER_DIFF_EVERY === 0 ? { afterDiff: true as const } : { afterMs: Math.floor(next() * runMs) }
        const invocation = await invoke(dir, env, step, kill)
        invocations.push(invocation)
        if (invocation.killed) {
          kills += 1
          killedHere += 1
          continue
        }
        if (lockedByTheKilled(invocation)) {
          await new Promise((done) => setTimeout(done, 250))
          continue
        }
        expect(invocation.stderr.split('\n').filter((line) => line.includes('"level":50'))).toEqual([])
        expect({ step, code: invocation.code }).toEqual({ step, code: 0 })
        runMs = Math.max(runMs, invocation.ms)
        if (!killing) completeHere += 1
      }
    }

    const db = await openDatabase(target)
    try {
      const recorded = await recordedEvents(db)
      const runs = await db.selectFrom('crawl_run').select(['status']).execute()
      const printed = printedEvents(invocations)
      const news = recorded.filter((event) => !event.baseline)
      const asRun = (events: EventRow[]) => events.map((event) => `run ${event.run}: ${event.kind} ${event.key}`)
      const asChange = (events: EventRow[]) => events.map((event) => `${event.kind} ${event.key}`)
      const figures = {
        seed,
        backend,
        invocations: invocations.length,
        kills,
        killedAfterDiff: invocations.filter((invocation) => invocation.afterDiff).length,
        killedAfterDiffBeforePrinting: invocations.filter((invocation) => invocation.afterDiff && invocation.stdout === '').length,
        runs: runs.length,
        failedRuns: runs.filter((run) => run.status === 'failed').length,
        events: recorded.length,
        printed: printed.length,
        lost: missingFrom(reference, asChange(recorded)),
        extra: missingFrom(asChange(recorded), reference),
        falseRemovals: missingFrom(asChange(recorded), reference).filter((change) => change.startsWith('removed ') || change.startsWith('reappeared ')),
        baseline: recorded.length - news.length,
        printedBaseline: printedBaseline(invocations),
        unprinted: missingFrom(asRun(news), asRun(printed)),
        printedTwice: missingFrom(asRun(printed), asRun(news)),
      }
      console.log(`kill test: ${JSON.stringify(figures)}`)
      expect(kills).toBeGreaterThanOrEqual(KILLS_PER_STEP * COMPLETE_RUNS.length)
      // the timeline's changes: 27 + 3 new, 2 changed, 1 moved, 1 removed
      expect(reference.length).toBe(34)
      expect({ lost: figures.lost, extra: figures.extra, falseRemovals: figures.falseRemovals }).toEqual({ lost: [], extra: [], falseRemovals: [] })
      expect({ unprinted: figures.unprinted, printedTwice: figures.printedTwice }).toEqual({ unprinted: [], printedTwice: [] })
      // the first complete crawl's 27 entries are the baseline: counted once, in the report of the run that diffed them
      expect({ baseline: figures.baseline, printedBaseline: figures.printedBaseline }).toEqual({ baseline: 27, printedBaseline: 27 })
      expect(runs.filter((run) => run.status === 'running')).toEqual([])
    } finally {
      await closeDatabase(db)
    }
  }, 600_000)
})

