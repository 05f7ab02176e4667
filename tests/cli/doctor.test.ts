// `eurowatch doctor` as a user runs it: what it finds on this machine, and an exit code a script
// can trust. The browser check really launches Chromium (here the npm package's).
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startSmtpServer } from '../support/smtp-server.ts'
import { startWebhookReceiver } from '../support/webhook-receiver.ts'
import { BIN, runCli, useWorkDir, type CliResult } from './support/cli.ts'
import { closedPort } from '../support/closed-port.ts'

const workDir = useWorkDir('eurowatch-doctor-')

function eurowatch(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runCli(workDir(), args, env)
}

interface Report {
  healthy: boolean
  checks: { name: string; status: 'ok' | 'warn' | 'fail'; detail: string }[]
}

const statusOf = (report: Report) => Object.fromEntries(report.checks.map((check) => [check.name, check.status]))

const SOURCE_YAML = `sources:\n  - { name: latest, profile: eurocities-legacy, url: 'https://eurocities.eu/latest/' }\n`

function writeConfig(yaml: string): void {
  writeFileSync(join(workDir(), 'eurowatch.yaml'), `${SOURCE_YAML}${yaml}`)
}

/** The alert checks of a report, in its order: what they say of each channel. */
function alertChecks(report: Report): Report['checks'] {
  return report.checks.filter((check) => ['smtp', 'webhook', 'slack', 'feed', 'environment'].includes(check.name))
}

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

  it('checks the alert channels without sending anything: SMTP greets and logs in, the webhook takes a connection, the feed folder is writable', async () => {
    const smtp = await startSmtpServer({ auth: { user: 'desk', password: 'smtp-Secret-42' } })
    const hook = await startWebhookReceiver()
    try {
      mkdirSync(join(workDir(), 'public'))
      writeConfig(`smtp: { host: 127.0.0.1, port: ${smtp.port}, starttls: never, user: desk, password: "\${EW_SMTP_PASSWORD}", from: eurowatch@localhost }
subscriptions:
  - name: desk
    channel: { type: email, to: [desk@localhost] }
  - name: hook
    channel: { type: webhook, url: "${hook.url('/hook/token-Secret-77')}" }
  - name: feed
    channel: { type: feed, path: public/changes.xml }
  - name: later
    channel: { type: feed, path: not-yet/changes.xml }
`)
      const result = await eurowatch(['doctor', '--json'], { EW_SMTP_PASSWORD: 'smtp-Secret-42' })
      const report = JSON.parse(result.stdout) as Report
      expect(alertChecks(report)).toEqual([
        { name: 'smtp', status: 'ok', detail: `SMTP 127.0.0.1:${smtp.port}: greets, and accepts the TLS and login a send uses (subscription "desk")` },
        { name: 'webhook', status: 'ok', detail: `webhook ${new URL(hook.url()).origin}/…: resolves (127.0.0.1) and accepts a connection; nothing sent (subscription "hook")` },
        { name: 'feed', status: 'ok', detail: `feed ${join(workDir(), 'public/changes.xml')}: folder writable; the first write creates the file (subscription "feed")` },
        { name: 'feed', status: 'warn', detail: `feed ${join(workDir(), 'not-yet/changes.xml')}: folder ${join(workDir(), 'not-yet')} does not exist yet: the first write creates it in ${workDir()} (subscription "later")` },
      ])
      expect(result.code).toBe(report.healthy ? 0 : 4)
      // nothing sent, nothing written, no secret shown
      expect(smtp.attempts).toBe(0)
      expect(hook.requests).toEqual([])
      expect(readdirSync(join(workDir(), 'public'))).toEqual([])
      expect(`${result.stdout}${result.stderr}`).not.toMatch(/Secret/)
    } finally {
      await Promise.all([smtp.close(), hook.close()])
    }
  })

  it('fails each alert channel that a run could not use, and lists an unset variable as a failed check, exit 4', async () => {
    const port = await closedPort()
    const hook = await startWebhookReceiver()
    try {
      writeFileSync(join(workDir(), 'a-file'), '')
      mkdirSync(join(workDir(), 'a-folder.xml'))
      writeConfig(`smtp: { host: 127.0.0.1, port: ${port}, starttls: never, from: eurowatch@localhost }
subscriptions:
  - name: desk
    channel: { type: email, to: [desk@localhost] }
  - name: chat
    channel: { type: slack, url: "https://hooks.slack.invalid/services/T0/B0/token-Secret-77" }
  - name: hook
    channel: { type: webhook, url: "\${EW_HOOK_URL}" }
  - name: under-a-file
    channel: { type: feed, path: a-file/changes.xml }
  - name: a-folder
    channel: { type: feed, path: a-folder.xml }
`)
      const result = await eurowatch(['doctor', '--json'], { EW_HOOK_URL: '' })
      expect(result.code).toBe(4)
      expect(result.stderr).toBe('')
      const report = JSON.parse(result.stdout) as Report
      expect(report.healthy).toBe(false)
      const config = join(workDir(), 'eurowatch.yaml')
      expect(alertChecks(report)).toEqual([
        { name: 'environment', status: 'fail', detail: `${config}:10: subscriptions[2].channel.url: environment variable EW_HOOK_URL is not set` },
        { name: 'smtp', status: 'fail', detail: expect.stringMatching(new RegExp(`^SMTP 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.* \\(subscription "desk"\\)$`)) },
        { name: 'slack', status: 'fail', detail: 'slack https://hooks.slack.invalid/…: hooks.slack.invalid does not resolve (a name under .invalid never does) (subscription "chat")' },
        { name: 'webhook', status: 'fail', detail: 'webhook: not checked, EW_HOOK_URL not set (subscription "hook")' },
        { name: 'feed', status: 'fail', detail: `feed ${join(workDir(), 'a-file/changes.xml')}: cannot be examined (ENOTDIR): a delivery would refuse it (subscription "under-a-file")` },
        { name: 'feed', status: 'fail', detail: `feed ${join(workDir(), 'a-folder.xml')}: is a directory, not a regular file: a delivery would refuse it (subscription "a-folder")` },
      ])
      // the other checks still ran
      expect(statusOf(report)).toMatchObject({ node: 'ok', configuration: 'ok', database: 'ok', replica: 'ok' })
      expect(result.stdout).not.toMatch(/Secret/)
      expect(hook.requests).toEqual([])
    } finally {
      await hook.close()
    }
  })

  // root may write in any folder: as root the check runs as nobody, who can reach a clone under /tmp, /work or /home
  it.skipIf(process.getuid?.() === 0 && !othersCanRun(BIN))('fails a feed whose folder is read-only', async () => {
    mkdirSync(join(workDir(), 'locked'))
    chmodSync(join(workDir(), 'locked'), 0o555)
    writeConfig('subscriptions:\n  - name: feed\n    channel: { type: feed, path: locked/changes.xml }\n')
    const asRoot = process.getuid?.() === 0
    if (asRoot) chmodSync(workDir(), 0o755)
    const result = await runCli(workDir(), ['doctor'], { HOME: workDir() }, 90_000, asRoot ? { uid: 65534, gid: 65534 } : undefined)
    chmodSync(join(workDir(), 'locked'), 0o755)
    expect(result.code).toBe(4)
    expect(result.stdout).toContain(`fail  feed           feed ${join(workDir(), 'locked/changes.xml')}: folder ${join(workDir(), 'locked')} is not writable (EACCES) (subscription "feed")`)
  })
})

/** Every folder above `file` may be entered, and it may be read, by any user. */
function othersCanRun(file: string): boolean {
  const folders = [file]
  for (let folder = dirname(file); folder !== dirname(folder); folder = dirname(folder)) folders.push(folder)
  return folders.every((path) => (statSync(path).mode & 0o005) === 0o005)
}
