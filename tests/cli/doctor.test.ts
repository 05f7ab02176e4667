// `eurowatch doctor` as a user runs it: what it finds on this machine, and an exit code a script
// can trust. The browser check really launches Chromium (here the npm package's).
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, useWorkDir, type CliResult } from './support/cli.ts'

const workDir = useWorkDir('eurowatch-doctor-')

function eurowatch(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runCli(workDir(), args, env)
}

interface Report {
  healthy: boolean
  checks: { name: string; status: 'ok' | 'warn' | 'fail'; detail: string }[]
}

const statusOf = (report: Report) => Object.fromEntries(report.checks.map((check) => [check.name, check.status]))

// each case starts a real process that launches Chromium and the replica: seconds on a shared machine
describe('eurowatch doctor', { timeout: 120_000 }, () => {
  it('on PGlite with the built-in configuration: every check passes, exit 0', async () => {
    const fresh = await eurowatch(['doctor'])
    expect(fresh.code).toBe(0)
    expect(fresh.stdout).toMatch(/^ok {4}node {11}Node \d+\.\d+\.\d+$/m)
    expect(fresh.stdout).toMatch(/^ok {4}configuration {2}built-in defaults \(no eurowatch.yaml here\): \d+ listings, [1-9]\d* rendered in the browser$/m)
    // nothing is created by looking
    expect(fresh.stdout).toContain(`PGlite in ${join(workDir(), '.eurowatch/pglite')}: not created yet`)
    expect(fresh.stdout).toMatch(/^ok {4}browser {8}Chromium \d+\.\d+\.\d+\.\d+ at \/\S+ \((on PATH|from the npm package @sparticuz\/chromium|browser.executablePath \/ CHROMIUM_PATH)\): launches$/m)
    expect(fresh.stdout).toMatch(/^ok {4}replica {8}answers at http:\/\/127\.0\.0\.1:\d+ \(GET \/robots\.txt: HTTP 200\)$/m)
    expect(fresh.stdout.trim().split('\n').at(-1)).toBe('ready to run')

    expect((await eurowatch(['migrate'])).code).toBe(0)
    const migrated = JSON.parse((await eurowatch(['doctor', '--json'])).stdout) as Report
    expect(migrated.healthy).toBe(true)
    expect(statusOf(migrated)).toEqual({ node: 'ok', configuration: 'ok', database: 'ok', browser: 'ok', replica: 'ok' })
    const database = migrated.checks.find((check) => check.name === 'database')?.detail
    expect(database).toMatch(/: PostgreSQL \d+\.\d+ on wasm32.*; schema: (\d+) of \1 migrations applied$/)
  })

  it('fails, exit 4, when the database does not answer, without showing its password', async () => {
    const result = await eurowatch(['doctor'], { DATABASE_URL: 'postgres://u:secret@127.0.0.1:1/x' })
    expect(result.code).toBe(4)
    expect(result.stdout).toMatch(/^fail {2}database {7}cannot connect to postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x: .*ECONNREFUSED/m)
    expect(result.stdout.trim().split('\n').at(-1)).toBe('a run would break: database')
    expect(`${result.stdout}${result.stderr}`).not.toContain('secret')
  })

  it('fails the browser check on a configured Chromium that is not there, naming it', async () => {
    const result = await eurowatch(['doctor', '--json'], { CHROMIUM_PATH: '/nonexistent/chromium' })
    expect(result.code).toBe(4)
    const report = JSON.parse(result.stdout) as Report
    expect(report.healthy).toBe(false)
    expect(report.checks.find((check) => check.name === 'browser')).toEqual({
      name: 'browser',
      status: 'fail',
      detail: expect.stringMatching(/^Chromium not found at \/nonexistent\/chromium \(browser.executablePath \/ CHROMIUM_PATH\)/),
    })
  })
})
