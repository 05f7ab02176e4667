// The built CLI as a user runs it, in a fresh working directory per test.
import { execFile, type ExecFileException } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach } from 'vitest'

export const BIN = resolve(import.meta.dirname, '../../../bin/eurowatch.js')

/**
 * examples/eurocities-legacy.yaml with every crawl full: for tests whose crawls step the replica on
 * by months (`--step`), as crawls a day apart would be full by default.
 */
export const LEGACY_CONFIG_EVERY_CRAWL_FULL = `${readFileSync(resolve(import.meta.dirname, '../../../examples/eurocities-legacy.yaml'), 'utf8')}fullCrawl: { everyRuns: 1 }\n`
const run = promisify(execFile)

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** A temporary working directory for each test; returns a getter. */
export function useWorkDir(prefix: string): () => string {
  let dir: string | undefined
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix))
  })
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })
  return () => {
    if (dir === undefined) throw new Error('useWorkDir: no directory outside a test')
    return dir
  }
}

/** A user other than the one running the tests (root may write anywhere): its uid and gid. */
export interface OtherUser {
  uid: number
  gid: number
}

/** `eurowatch ARGS` in `cwd`, on PGlite unless `env` says otherwise, as `user` when given; never throws for a non-zero exit. */
export async function runCli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 90_000, user?: OtherUser): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { cwd, env: { ...process.env, DATABASE_URL: '', ...env }, timeout: timeoutMs, ...user })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as CliResult
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

/** `eurowatch ARGS` with `input` piped to its standard input (a pipe, not a terminal), then closed. */
export function runCliWithInput(cwd: string, args: string[], input: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 90_000): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile('node', [BIN, ...args], { cwd, env: { ...process.env, DATABASE_URL: '', ...env }, timeout: timeoutMs }, (error: ExecFileException | null, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr })
    })
    child.stdin?.end(input)
  })
}
