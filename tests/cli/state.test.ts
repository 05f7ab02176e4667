// `run --state` and `state save|load` as a scheduled CI job uses them: every runner starts in an
// empty directory with only the state file the runner before it left. Over the offline replica
// (one 3-page listing) on PGlite, with a webhook receiver on loopback.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Migrator, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase } from '../../db/connection.ts'
import { MIGRATIONS } from '../../db/migrate.ts'
import type { ReportJson } from '../../src/reports/json.ts'
import { legacySources } from '../../src/config/defaults.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts'
import { timelineChanges } from '../support/timeline-changes.ts'
import { BIN, runCli, type CliResult } from './support/cli.ts'

const SOCIAL_INNOVATION = legacySources.find((source) => source.name === 'social-innovation')?.url as string
/** What the timeline changes on the one crawled listing, by step. */
const changesOf = (...steps: number[]) => timelineChanges([{ url: SOCIAL_INNOVATION }], ...steps)
const STATE = 'eurowatch-state.tar.gz'

describe('scheduled runs on fresh runners, with a state file', { timeout: 600_000 }, () => {
  let receiver: WebhookReceiver
  const dirs: string[] = []
  /** The state file a step-0 run left, made once for the tests that need a previous state. */
  let step0State: Buffer

  /** A fresh runner: an empty directory with the configuration and, when given, the previous runner's state file (and another webhook subscription). */
  function freshRunner(state?: Buffer, also?: { name: string; url: string }): string {
    const dir = mkdtempSync(join(tmpdir(), 'eurowatch-state-test-'))
    dirs.push(dir)
    writeFileSync(
      join(dir, 'eurowatch.yaml'),
      `sources:
  - { name: social-innovation, profile: eurocities-legacy, url: '${SOCIAL_INNOVATION}' }
delivery: { retryBaseSeconds: 0 }
subscriptions:
  - name: all
    channel: { type: webhook, url: "${receiver.url('/all')}" }
${also === undefined ? '' : `  - name: ${also.name}\n    channel: { type: webhook, url: "${also.url}" }\n`}`,
    )
    if (state !== undefined) writeFileSync(join(dir, STATE), state)
    return dir
  }

  const runStep = (dir: string, step: number): Promise<CliResult> => runCli(dir, ['run', '--offline', '--step', String(step), '--state', STATE, '--format', 'json', '--exit-code'], {}, 300_000)
  const reported = (result: CliResult) => {
    const report = JSON.parse(result.stdout) as ReportJson
    return { baseline: report.baseline.entries, changes: report.changes.map((change) => `${change.kind} ${change.entry.key}`).sort() }
  }

  beforeAll(async () => {
    receiver = await startWebhookReceiver()
    const dir = freshRunner()
    const first = await runStep(dir, 0)
    expect(first.code, first.stderr).toBe(0)
    step0State = readFileSync(join(dir, STATE))
  }, 300_000)
  afterAll(async () => {
    await receiver.close()
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  it('three runners in a row report each step once: the baseline, then each change once, each delivered under one key', async () => {
    const seen = receiver.requests.length
    const reports = []
    let state: Buffer | undefined
    for (const step of [0, 1, 2]) {
      const dir = freshRunner(state)
      const result = await runStep(dir, step)
      expect(result.code, result.stderr).toBe(step === 0 ? 0 : 1)
      expect(result.stderr).toMatch(new RegExp(`state saved to ${STATE} \\(\\d+ bytes\\)`))
      reports.push(reported(result))
      state = readFileSync(join(dir, STATE))
      // nothing left beside it: the temporary file was renamed
      expect(readdirSync(dir).sort()).toEqual([STATE, 'eurowatch.yaml'].sort())
    }
    expect(reports).toEqual([
      { baseline: 27, changes: [] },
      { baseline: 0, changes: changesOf(1) },
      { baseline: 0, changes: changesOf(2) },
    ])
    // at the receiver: every change of steps 1 and 2 in exactly one message (by Idempotency-Key)
    const byKey = new Map(receiver.requests.slice(seen).map((request) => [request.idempotencyKey, JSON.parse(request.text) as ReportJson]))
    const delivered = [...byKey.values()].flatMap((body) => body.changes.map((change) => `${change.kind} ${change.entry.key}`)).sort()
    expect(delivered).toEqual(changesOf(1, 2))
  })

  it('a runner killed mid-run leaves the previous state file whole, and the next runner reports that run', async () => {
    const dir = freshRunner(step0State)
    // the killed runner's webhook call hangs: it is killed mid-delivery, after its diff and before saving
    const seen = receiver.requests.length
    receiver.setScript((n) => (n === seen + 1 ? { delayMs: 60_000 } : undefined))
    const child = spawn('node', [BIN, 'run', '--offline', '--step', '1', '--state', STATE], { cwd: dir, env: { ...process.env, DATABASE_URL: '' }, stdio: 'ignore' })
    const exited = new Promise<string | null>((resolve) => child.once('close', (_code, signal) => resolve(signal)))
    await Promise.race([receiver.waitForRequests(seen + 1), exited])
    child.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')
    receiver.setScript([])
    expect(readFileSync(join(dir, STATE)).equals(step0State)).toBe(true)

    const next = freshRunner(readFileSync(join(dir, STATE)))
    const result = await runStep(next, 1)
    expect(result.code, result.stderr).toBe(1)
    expect(reported(result).changes).toEqual(changesOf(1))
  })

  it('a runner killed after sending, before saving its state: the next runner sends those messages again under the same Idempotency-Keys', async () => {
    // a second subscription whose receiver hangs keeps the runner from saving after the first one's messages went out
    const slow = await startWebhookReceiver({ script: () => ({ delayMs: 60_000 }) })
    try {
      const dir = freshRunner(step0State, { name: 'slow', url: slow.url('/slow') })
      const seen = receiver.requests.length
      const child = spawn('node', [BIN, 'run', '--offline', '--step', '1', '--state', STATE], { cwd: dir, env: { ...process.env, DATABASE_URL: '' }, stdio: 'ignore' })
      const exited = new Promise<string | null>((resolve) => child.once('close', (_code, signal) => resolve(signal)))
      // an immediate webhook subscription gets one message per change
      await Promise.race([Promise.all([receiver.waitForRequests(seen + changesOf(1).length), slow.waitForRequests(1)]), exited])
      child.kill('SIGKILL')
      expect(await exited).toBe('SIGKILL')
      expect(readFileSync(join(dir, STATE)).equals(step0State)).toBe(true)
      const sent = receiver.requests.slice(seen)
      const slowKey = slow.requests[0]?.idempotencyKey

      slow.setScript([])
      const next = freshRunner(readFileSync(join(dir, STATE)), { name: 'slow', url: slow.url('/slow') })
      const result = await runStep(next, 1)
      expect(result.code, result.stderr).toBe(1)
      const resent = receiver.requests.slice(seen + sent.length)
      const keysOf = (requests: typeof sent) => requests.map((request) => request.idempotencyKey).sort()
      expect(resent).toHaveLength(sent.length)
      expect(keysOf(resent)).toEqual(keysOf(sent))
      expect(slow.requests.slice(1).map((request) => request.idempotencyKey)).toContain(slowKey)
      // a receiver that dedupes by key sees each change once
      const byKey = new Map([...sent, ...resent].map((request) => [request.idempotencyKey, JSON.parse(request.text) as ReportJson]))
      expect([...byKey.values()].flatMap((body) => body.changes.map((change) => `${change.kind} ${change.entry.key}`)).sort()).toEqual(changesOf(1))
    } finally {
      await slow.close()
    }
  })

  it('refuses a corrupt, a truncated or a newer state file in one line (exit 2), and overwrites nothing', async () => {
    const newer = await stateWith(step0State, async (dataDir) => {
      const db = await openDatabase({ kind: 'pglite', dataDir })
      await sql`insert into kysely_migration (name, timestamp) values ('2099_01_01_0000_from_a_newer_eurowatch', '2099-01-01T00:00:00.000Z')`.execute(db)
      await closeDatabase(db)
    })
    const corrupt = Buffer.from(step0State)
    for (let i = Math.floor(corrupt.length / 2); i < Math.floor(corrupt.length / 2) + 64; i += 1) corrupt.writeUInt8(corrupt.readUInt8(i) ^ 0xff, i)
    const files = {
      corrupt: [corrupt, /^eurowatch: the state file eurowatch-state\.tar\.gz is corrupt or truncated \(not a whole gzip file \(.+\)\): nothing was changed$/],
      truncated: [step0State.subarray(0, Math.floor(step0State.length / 3)), /^eurowatch: the state file eurowatch-state\.tar\.gz is corrupt or truncated \(not a whole gzip file \(unexpected end of file\)\): nothing was changed$/],
      newer: [newer, /^eurowatch: the state file eurowatch-state\.tar\.gz was written by a newer eurowatch \(migration 2099_01_01_0000_from_a_newer_eurowatch is unknown here\): upgrade eurowatch to use it; nothing was changed$/],
    } as const
    for (const [name, [bytes, message]] of Object.entries(files)) {
      const dir = freshRunner(bytes)
      for (const args of [['run', '--offline', '--state', STATE], ['state', 'load', STATE]]) {
        const result = await runCli(dir, args)
        expect({ name, args, code: result.code, stdout: result.stdout }).toEqual({ name, args, code: 2, stdout: '' })
        expect(result.stderr.trimEnd().split('\n'), name).toHaveLength(1)
        expect(result.stderr.trimEnd(), name).toMatch(message)
        expect(readFileSync(join(dir, STATE)).equals(bytes), name).toBe(true)
        expect(readdirSync(dir).sort(), name).toEqual([STATE, 'eurowatch.yaml'].sort())
      }
    }
  })

  it('migrates a state file of an older schema, and loads it with `state load` into an empty data directory only', async () => {
    const older = await stateWith(null, async (dataDir) => {
      const db = await openDatabase({ kind: 'pglite', dataDir })
      const { error } = await new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS }, allowUnorderedMigrations: true }).migrateTo('2026_11_28_0100_incremental_crawl')
      await closeDatabase(db)
      if (error !== undefined) throw error
    })
    const loader = freshRunner(older)
    const loaded = await runCli(loader, ['state', 'load', STATE])
    expect(loaded.code, loaded.stderr).toBe(0)
    const later = Object.keys(MIGRATIONS).filter((name) => name > '2026_11_28_0100_incremental_crawl')
    expect(later.slice(0, 3)).toEqual(['2026_11_28_0200_sighting_ranges', '2026_11_28_0300_version_origin', '2026_11_28_0400_detail_pages'])
    expect(loaded.stdout).toMatch(new RegExp(`^loaded eurowatch-state\\.tar\\.gz into .*\\.eurowatch/pglite \\(migrated: ${later.join(', ')}\\)\n$`))
    const again = await runCli(loader, ['state', 'load', STATE])
    expect(again.code).toBe(2)
    expect(again.stderr).toMatch(/\.eurowatch\/pglite holds a database already: move it away first; nothing was loaded/)

    const runner = freshRunner(older)
    const result = await runStep(runner, 0)
    expect(result.code, result.stderr).toBe(0)
    expect(reported(result)).toEqual({ baseline: 27, changes: [] })
  })

  it('is an error with DATABASE_URL, whose server keeps the state', async () => {
    const dir = freshRunner(step0State)
    for (const args of [['run', '--offline', '--state', STATE], ['state', 'save', STATE], ['state', 'load', STATE]]) {
      const result = await runCli(dir, args, { DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none' })
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(/^eurowatch: (--state|state save|state load): DATABASE_URL is set, and the PostgreSQL server keeps the state/)
    }
    expect(readFileSync(join(dir, STATE)).equals(step0State)).toBe(true)
  })
})

/** A state file made with `eurowatch state save` from a data directory that `prepare` changed (loaded from `from` first, if given). */
async function stateWith(from: Buffer | null, prepare: (dataDir: string) => Promise<void>): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'eurowatch-state-made-'))
  try {
    if (from !== null) {
      writeFileSync(join(dir, 'in.tar.gz'), from)
      const loaded = await runCli(dir, ['state', 'load', 'in.tar.gz'])
      if (loaded.code !== 0) throw new Error(loaded.stderr)
    }
    await prepare(join(dir, '.eurowatch/pglite'))
    const saved = await runCli(dir, ['state', 'save', 'out.tar.gz'])
    if (saved.code !== 0 || !existsSync(join(dir, 'out.tar.gz'))) throw new Error(saved.stderr)
    return readFileSync(join(dir, 'out.tar.gz'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
