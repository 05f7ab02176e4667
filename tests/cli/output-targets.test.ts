// Where the CLI writes, as a user points it: an export's --output and a feed channel's path are
// replaced only when they are a regular file or nothing (never a device, a named pipe, a link or
// a directory), and standard output that fills up (/dev/full) or closes early fails in one line.
import { execFileSync, spawn } from 'node:child_process'
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DeliveryError, type Alert } from '../../domain/alert.ts'
import { reportEvents } from '../../domain/change-report.ts'
import { feedFileChannel } from '../../src/alerts/feed-file.ts'
import { AT, sampleReport } from '../reports/events.ts'
import { seedPageFetches } from '../support/archive-seed.ts'
import { BIN, runCli, useWorkDir, type CliResult } from './support/cli.ts'

const LEGACY_CONFIG = resolve(import.meta.dirname, '../../examples/eurocities-legacy.yaml')

const workDir = useWorkDir('eurowatch-targets-')

function eurowatch(args: string[]): Promise<CliResult> {
  return runCli(workDir(), args)
}

function expectOneLine(result: CliResult, code: number, ...fragments: string[]): void {
  expect(result.code, result.stderr).toBe(code)
  const [line = '', ...rest] = result.stderr.trim().split('\n')
  expect(line).toMatch(/^eurowatch: /)
  for (const fragment of fragments) expect(line).toContain(fragment)
  expect(rest, result.stderr).toEqual([])
  expect(result.stderr).not.toMatch(/\n\s+at /)
}

/** A named pipe, a symbolic link to a file and a directory in the working directory, with what each is. */
function specialTargets(): { name: string; kind: string; unchanged: () => void }[] {
  const dir = workDir()
  execFileSync('mkfifo', [join(dir, 'pipe')])
  writeFileSync(join(dir, 'linked.txt'), 'linked file\n')
  symlinkSync('linked.txt', join(dir, 'link'))
  mkdirSync(join(dir, 'folder'))
  return [
    { name: 'pipe', kind: 'is a named pipe (FIFO)', unchanged: () => expect(lstatSync(join(dir, 'pipe')).isFIFO()).toBe(true) },
    {
      name: 'link',
      kind: 'is a symbolic link',
      unchanged: () => {
        expect(readlinkSync(join(dir, 'link'))).toBe('linked.txt')
        expect(readFileSync(join(dir, 'linked.txt'), 'utf8')).toBe('linked file\n')
      },
    },
    { name: 'folder', kind: 'is a directory', unchanged: () => expect(readdirSync(join(dir, 'folder'))).toEqual([]) },
    { name: 'folder/', kind: 'names a directory', unchanged: () => expect(readdirSync(join(dir, 'folder'))).toEqual([]) },
    { name: '/dev/full', kind: 'is a character device', unchanged: () => expect(lstatSync('/dev/full').isCharacterDevice()).toBe(true) },
    { name: '/dev/null', kind: 'is a character device', unchanged: () => expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true) },
  ]
}

/** Runs `args` with standard output on `stdout` (a file descriptor); its exit code and standard error. */
function runWithStdout(args: string[], stdout: number): Promise<{ code: number | null; stderr: string }> {
  const child = spawn('node', [BIN, ...args], { cwd: workDir(), env: { ...process.env, DATABASE_URL: '' }, stdio: ['ignore', stdout, 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((done) => child.on('close', (code) => done({ code, stderr })))
}

describe('output targets', { timeout: 240_000 }, () => {
  it('refuses an export --output that is not a regular file, in one line, before it opens the database', async () => {
    for (const target of specialTargets()) {
      // no database here: a refusal after opening it would say so instead
      expectOneLine(await eurowatch(['export', '--format', 'csv', '--output', target.name]), 2, `--output: ${target.name} ${target.kind}`)
      target.unchanged()
    }
    expectOneLine(await eurowatch(['export', '--format', 'csv', '--output', 'missing/out.csv']), 2, '--output: cannot write missing/out.csv')
    expect(readdirSync(workDir()).filter((name) => name.startsWith('.'))).toEqual([])
  })

  it("refuses a feed channel's path that is not a regular file, naming it, not retried, and leaves it as it was", async () => {
    const report = sampleReport()
    for (const target of specialTargets()) {
      const path = target.name.startsWith('/') ? target.name : join(workDir(), target.name)
      const channel = feedFileChannel({ type: 'feed', path, format: 'atom', maxItems: 200 }, path)
      const alert: Alert = { key: 'eurowatch-reader-1', subscription: 'reader', kind: 'changes', cadence: 'immediate', report, notices: [], createdAt: AT, history: reportEvents(report) }
      const refused = await channel.send(alert).then(() => null, (error: unknown) => error)
      expect(refused, path).toBeInstanceOf(DeliveryError)
      const { message } = refused as DeliveryError
      expect(message.startsWith(`cannot write ${path}: it ${target.kind}`), message).toBe(true)
      expect((refused as DeliveryError).retryable).toBe(false)
      target.unchanged()
    }
    expect(readdirSync(workDir()).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it("refuses in one line an `alerts test` sample whose path beside the feed is not a regular file", async () => {
    execFileSync('mkfifo', [join(workDir(), 'reader.test.atom')])
    writeFileSync(join(workDir(), 'eurowatch.yaml'), `${readFileSync(LEGACY_CONFIG, 'utf8')}\nsubscriptions:\n  - name: reader\n    channel: { type: feed, path: reader.atom }\n`)
    const sample = join(workDir(), 'reader.test.atom')
    expectOneLine(await eurowatch(['alerts', 'test', 'reader']), 2, `cannot write ${sample}: it is a named pipe (FIFO)`)
    expect(lstatSync(sample).isFIFO()).toBe(true)
  })

  it('says in doctor which feed path a delivery would refuse', async () => {
    execFileSync('mkfifo', [join(workDir(), 'pipe')])
    writeFileSync(join(workDir(), 'eurowatch.yaml'), `${readFileSync(LEGACY_CONFIG, 'utf8')}\nsubscriptions:\n  - name: reader\n    channel: { type: feed, path: pipe }\n`)
    const result = await eurowatch(['doctor', '--json'])
    expect(result.code, result.stderr).toBe(4)
    const checks = (JSON.parse(result.stdout) as { checks: { name: string; status: string; detail: string }[] }).checks
    expect(checks.find((check) => check.name === 'feed')).toMatchObject({ status: 'fail', detail: expect.stringContaining(`feed ${join(workDir(), 'pipe')}: is a named pipe (FIFO), not a regular file: a delivery would refuse it`) })
    expect(lstatSync(join(workDir(), 'pipe')).isFIFO()).toBe(true)
  })

  it('fails in one line with exit 4 when standard output is a full disk (/dev/full)', async () => {
    await seedPageFetches({ kind: 'pglite', dataDir: join(workDir(), '.eurowatch/pglite') }, 50)
    const full = openSync('/dev/full', 'w')
    try {
      for (const args of [['sources', '--json'], ['export', '--format', 'warc']]) {
        const result = await runWithStdout(args, full)
        expect(result.code, result.stderr).toBe(4)
        expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^eurowatch: cannot write standard output: ENOSPC/)])
      }
    } finally {
      closeSync(full)
    }
  })

  it('fails an export cut short by a reader that stops early (| head -c 100), in one line', async () => {
    await seedPageFetches({ kind: 'pglite', dataDir: join(workDir(), '.eurowatch/pglite') }, 200)
    const child = spawn('node', [BIN, 'export', '--format', 'warc'], { cwd: workDir(), env: { ...process.env, DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    // the reader takes the first chunk and goes away, as `head -c 100` does
    child.stdout.once('data', () => child.stdout.destroy())
    const code = await new Promise<number | null>((done) => child.on('close', done))
    expect(code, stderr).toBe(4)
    expect(stderr.trim().split('\n')).toEqual(['eurowatch: standard output was closed before the export was complete (EPIPE): the output is incomplete'])
  })
})
