// Alerts through the built CLI, as an operator sets them up: real `eurowatch` processes over the
// replica's timeline, a real webhook receiver, SMTP server and feed file on loopback, on PGlite
// and on PostgreSQL. Each change reaches each matching subscription once, the baseline never;
// failed sends wait and go out once later; mistakes are one line; secrets never show.
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseFeed } from 'feedsmith'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { legacyTimeline } from '../../replica/index.ts'
import { legacySources } from '../../src/config/defaults.ts'
import type { WebhookBody } from '../../src/alerts/webhook.ts'
import type { WatchStatus } from '../../jobs/status.ts'
import { backends } from '../support/databases.ts'
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts'
import { startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from '../support/webhook-receiver.ts'
import { createCliDatabase, type CliDatabase } from './support/cli-database.ts'
import { runCli, useWorkDir, type CliResult } from './support/cli.ts'
import { closedPort } from '../support/closed-port.ts'

// fresh for every test run: any of them in any output is a leak
const SECRETS = {
  smtpUser: `mailer-${randomBytes(6).toString('hex')}`,
  smtpPassword: `pw-${randomBytes(12).toString('hex')}`,
  hookSecret: `hmac-${randomBytes(12).toString('hex')}`,
  hookToken: `tok-${randomBytes(12).toString('hex')}`,
  opsToken: `ops-${randomBytes(12).toString('hex')}`,
}

// two listings: every change of the timeline is on the first; two of them also on the second
const WATCHED = legacySources.filter((source) => source.name === 'social-innovation' || source.name === 'documents-social-affairs')
const SOCIAL_INNOVATION = WATCHED[0]?.url as string
const DOCUMENTS = WATCHED[1]?.url as string
const expectedKind = { publish: 'new', 'edit-summary': 'changed', retag: 'changed', retitle: 'moved', remove: 'removed', cosmetic: null } as const

/** "kind key" of the timeline's real changes at `step` on the watched listings, those `only` admits. */
function changesAt(step: number, only: (listings: string[], kind: string) => boolean = () => true): string[] {
  return (legacyTimeline[step]?.changes ?? [])
    .flatMap((change) => {
      const kind = expectedKind[change.kind]
      const watched = change.listings.filter((path) => WATCHED.some((source) => source.url.endsWith(path)))
      return kind === null || watched.length === 0 || !only(watched, kind) ? [] : [`${kind} ${change.key}`]
    })
    .sort()
}

/** The filtered webhook's share: entries new or changed on the documents listing (not those only on social-innovation). */
const documentsNews = (listings: string[], kind: string) => (kind === 'new' || kind === 'changed') && listings.some((path) => DOCUMENTS.endsWith(path))

// A removal is told after the second complete crawl without the entry (diff.removeAfter: 2): step 4 twice.
const RUNS: { step: number; all: string[]; hook: string[] }[] = [0, 1, 1, 2, 3, 4].map((step, index, steps) => ({
  step,
  // a step run again finds nothing new
  all: steps.indexOf(step) === index ? changesAt(step).filter((change) => !change.startsWith('removed')) : [],
  hook: steps.indexOf(step) === index ? changesAt(step, documentsNews) : [],
}))
RUNS.push({ step: 4, all: changesAt(4).filter((change) => change.startsWith('removed')), hook: [] })
const ALL_CHANGES = RUNS.flatMap((run) => run.all).sort()
const HOOK_CHANGES = RUNS.flatMap((run) => run.hook).sort()

// every crawl full: the replica moves months on between two runs seconds apart, and the timeline's
// changes deep in a listing are found by full crawls
const SOURCES_YAML = `sources:\n${WATCHED.map((s) => `  - { name: ${s.name}, profile: ${s.profile}, url: '${s.url}' }`).join('\n')}\nfullCrawl: { everyRuns: 1 }\n`

const workDir = useWorkDir('eurowatch-alerts-')
const outputs: CliResult[] = []

function eurowatch(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return runCli(workDir(), args, env, 180_000).then((result) => {
    outputs.push(result)
    return result
  })
}

function writeConfig(yaml: string): void {
  writeFileSync(join(workDir(), 'eurowatch.yaml'), yaml)
}

function expectOneLineError(result: CliResult, ...fragments: string[]): void {
  expect(result.code, result.stderr).toBe(2)
  // the mistake in one line; never a stack
  const [line, ...rest] = result.stderr.trim().split('\n')
  expect(line).toMatch(/^eurowatch: /)
  expect(rest, result.stderr).toEqual([])
  for (const fragment of fragments) expect(line).toContain(fragment)
}

const bodyOf = (request: ReceivedRequest) => JSON.parse(request.text) as WebhookBody
/** The items' ids of a feed, read back by a real feed parser (which refuses what is not a feed). */
function parseFeedItems(text: string): string[] {
  const parsed = parseFeed(text)
  if (parsed.format === 'atom') return (parsed.feed.entries ?? []).map((entry) => entry.id ?? '')
  if (parsed.format === 'rss') return (parsed.feed.items ?? []).map((item) => item.guid?.value ?? '')
  if (parsed.format === 'json') return (parsed.feed.items ?? []).map((item) => item.id ?? '')
  throw new Error(`not a feed eurowatch writes: ${parsed.format}`)
}
const changesOf = (requests: ReceivedRequest[]) => requests.flatMap((request) => bodyOf(request).changes.map((change) => `${change.kind} ${change.entry.key}`)).sort()
const deliveryLine = (sent: number, failed = 0, dead = 0) => `deliveries: ${sent} sent, ${failed} failed, ${dead} given up`

/** The example body of docs/webhook.md, as a receiver's author copies it. */
function documentedWebhookBody(): unknown {
  const doc = readFileSync(new URL('../../docs/webhook.md', import.meta.url), 'utf8')
  const example = /^## Body$[\s\S]*?^```json\n([\s\S]*?)^```$/m.exec(doc)?.[1]
  if (example === undefined) throw new Error('docs/webhook.md has no JSON example under "## Body"')
  return JSON.parse(example)
}

/**
 * Where a real value's shape differs from the documented one: the same keys at every level, the
 * same types; a documented null admits any value (a nullable field), and every item of a list has
 * the shape of the documented list's first item (either may be empty: themes, health events).
 */
function shapeDifferences(documented: unknown, real: unknown, at = 'body'): string[] {
  if (documented === null || real === null) return []
  if (Array.isArray(documented)) {
    if (!Array.isArray(real)) return [`${at}: a list documented, ${typeof real} sent`]
    if (documented.length === 0) return []
    return real.flatMap((item, index) => shapeDifferences(documented[0], item, `${at}[${index}]`))
  }
  if (typeof documented === 'object') {
    if (typeof real !== 'object' || Array.isArray(real)) return [`${at}: an object documented, ${JSON.stringify(real)} sent`]
    const keys = (value: object) => Object.keys(value).sort().join(', ')
    if (keys(documented) !== keys(real)) return [`${at}: keys documented {${keys(documented)}}, sent {${keys(real)}}`]
    return Object.entries(documented).flatMap(([key, value]) => shapeDifferences(value, (real as Record<string, unknown>)[key], `${at}.${key}`))
  }
  return typeof documented === typeof real ? [] : [`${at}: ${typeof documented} documented, ${typeof real} sent`]
}

let hooks: WebhookReceiver
let smtp: TestSmtpServer
beforeAll(async () => {
  hooks = await startWebhookReceiver({ secret: SECRETS.hookSecret })
  smtp = await startSmtpServer({ auth: { user: SECRETS.smtpUser, password: SECRETS.smtpPassword } })
})
afterAll(async () => Promise.all([hooks.close(), smtp.close()]))

/** The secrets by environment, as an operator exports them. */
function secretEnv(): NodeJS.ProcessEnv {
  return {
    EW_SMTP_USER: SECRETS.smtpUser,
    EW_SMTP_PASSWORD: SECRETS.smtpPassword,
    EW_HOOK_URL: hooks.url(`/new/${SECRETS.hookToken}`),
    EW_HOOK_SECRET: SECRETS.hookSecret,
    EW_OPS_URL: hooks.url(`/ops/${SECRETS.opsToken}`),
  }
}

function smtpYaml(port: number): string {
  return `smtp:
  host: 127.0.0.1
  port: ${port}
  starttls: never
  user: \${EW_SMTP_USER}
  password: \${EW_SMTP_PASSWORD}
  from: "eurowatch <eurowatch@example.org>"
  timeoutSeconds: 5
`
}

// every output of every test in this file: no secret in any of them
afterEach(() => {
  for (const output of outputs.splice(0)) {
    for (const secret of Object.values(SECRETS)) {
      expect(output.stdout, `stdout of a CLI call shows a secret`).not.toContain(secret)
      expect(output.stderr, `stderr of a CLI call shows a secret`).not.toContain(secret)
    }
  }
})

describe.each(backends)('alerts through the CLI on %s', { timeout: 600_000 }, (backend) => {
  let db: CliDatabase | undefined
  afterEach(async () => {
    await db?.drop()
    db = undefined
  })

  it('delivers each real change once to each matching subscription over the timeline, never the baseline', async () => {
    db = await createCliDatabase(backend, workDir())
    const env = { ...db.env, ...secretEnv() }
    const hookPath = `/new/${SECRETS.hookToken}`
    const opsPath = `/ops/${SECRETS.opsToken}`
    const hookRequests = () => hooks.requests.filter((request) => request.path === hookPath)
    hooks.requests.length = 0
    smtp.messages.length = 0
    const config = (digest: string) => `${SOURCES_YAML}${smtpYaml(smtp.port)}
delivery: { retryBaseSeconds: 0 }
subscriptions:
  - name: docs-hook
    channel: { type: webhook, url: "\${EW_HOOK_URL}", secret: "\${EW_HOOK_SECRET}" }
    filter: { kinds: [new, changed], listings: [documents-social-affairs] }
  - name: digest
    channel: { type: email, to: [analysts@example.org] }
    digest: "${digest}"
  - name: reader
    channel: { type: feed, path: out/changes.json, format: jsonfeed }
operator:
  channel: { type: webhook, url: "\${EW_OPS_URL}" }
`
    // on new year's night only: the digest waits while the timeline runs
    writeConfig(config('0 0 1 1 *'))
    expect(HOOK_CHANGES).toEqual(['new WSPO-BH4N2R'])
    expect(ALL_CHANGES).toHaveLength(7)

    let baselineShown = 0
    const feedPath = join(workDir(), 'out/changes.json')
    for (const [index, run] of RUNS.entries()) {
      const before = hookRequests().length
      const feedBefore = existsSync(feedPath) ? { text: readFileSync(feedPath, 'utf8'), modified: statSync(feedPath).mtimeMs } : null
      const result = await eurowatch(['run', '--offline', '--step', String(run.step)], env)
      expect(result.code, `run ${index} (step ${run.step}): ${result.stderr}`).toBe(0)
      // the feed exists after every run, the baseline's included (a valid empty feed: no 404 for readers)
      const feedItems = parseFeedItems(readFileSync(feedPath, 'utf8'))
      if (index === 0) expect(feedItems).toEqual([])
      // a run without changes leaves it alone
      if (run.all.length === 0 && feedBefore !== null) expect({ text: readFileSync(feedPath, 'utf8'), modified: statSync(feedPath).mtimeMs }, `run ${index}`).toEqual(feedBefore)
      // the webhook hears of each of its changes on its own; the feed is rewritten once per run with changes
      expect(result.stderr, `run ${index}`).toContain(deliveryLine(run.hook.length + (run.all.length > 0 ? 1 : 0)))
      expect(changesOf(hookRequests().slice(before)), `run ${index}`).toEqual(run.hook)
      const baseline = /^baseline: (\d+) entries \(2 listings watched from now on\)$/m.exec(result.stdout)
      if (index === 0) baselineShown = Number(baseline?.[1])
      else expect(baseline, `run ${index}`).toBeNull()
    }
    expect(baselineShown).toBeGreaterThan(20)

    // the filtered webhook: its one change, once, signed
    const requests = hookRequests()
    expect(changesOf(requests)).toEqual(HOOK_CHANGES)
    expect(new Set(requests.map((request) => request.idempotencyKey)).size).toBe(requests.length)
    for (const request of requests) {
      expect(request.signatureValid).toBe(true)
      const body = bodyOf(request)
      expect(body.alert).toMatchObject({ key: request.idempotencyKey, subscription: 'docs-hook', kind: 'changes', cadence: 'immediate' })
      // the runs of its changes, as the JSON report shows them; the example of docs/webhook.md is a real body's shape
      expect(body.runs.map((run) => run.id)).toEqual('runIds' in body.scope ? body.scope.runIds : null)
      expect(body.runs.every((run) => run.status === 'complete')).toBe(true)
      expect(shapeDifferences(documentedWebhookBody(), body)).toEqual([])
      // one change per request when immediate, as README and docs/webhook.md say
      expect(body.changes).toHaveLength(1)
    }
    // nothing went wrong: the operator heard nothing; the digest waits for its time
    expect(hooks.requests.filter((request) => request.path === opsPath)).toEqual([])
    expect(smtp.messages).toEqual([])

    // a feed deleted (by hand, by a web server's clean-up) is back after the next run, even one without changes
    rmSync(feedPath)
    const again = await eurowatch(['run', '--offline', '--step', '4'], env)
    expect(again.code, again.stderr).toBe(0)
    expect(again.stderr).toContain(deliveryLine(0))
    // the feed file: the seven changes, none of the baseline
    const feed = JSON.parse(readFileSync(join(workDir(), 'out/changes.json'), 'utf8')) as { items: { id: string; url: string }[] }
    const feedChanges = feed.items.map((item) => /^urn:eurowatch:change:\d+:(.+):(\w+)$/.exec(item.id)).map((match) => `${match?.[2]} ${match?.[1]}`)
    expect(feedChanges.sort()).toEqual(ALL_CHANGES)

    const statusText = await eurowatch(['status'], env)
    expect(statusText.code, statusText.stderr).toBe(0)
    expect(statusText.stdout).toContain('  docs-hook: 1 sent, 0 waiting, 0 pending, 0 failing, 0 dead')
    expect(statusText.stdout).toContain('  digest: 0 sent, 7 waiting, 0 pending, 0 failing, 0 dead')
    expect(statusText.stdout).toContain('  reader: 4 sent, 0 waiting, 0 pending, 0 failing, 0 dead')
    expect(statusText.stdout).toContain('Open problems (0)')

    // the digest's time comes: one e-mail with every change of the five runs, and only once
    writeConfig(config('* * * * * *'))
    const deliver = await eurowatch(['deliver'], env)
    expect(deliver, deliver.stderr).toMatchObject({ code: 0, stdout: `${deliveryLine(1)}\n` })
    expect(smtp.messages).toHaveLength(1)
    const mail = smtp.messages[0]
    expect(mail?.user).toBe(SECRETS.smtpUser)
    expect(mail?.envelope.to).toEqual(['analysts@example.org'])
    expect(mail?.parsed.subject).toBe('[eurowatch] 3 new, 2 changed, 1 moved, 1 removed: digest')
    expect((await eurowatch(['deliver'], env)).stdout).toBe(`${deliveryLine(0)}\n`)
    expect(smtp.messages).toHaveLength(1)

    const statusJson = await eurowatch(['status', '--json'], env)
    expect(statusJson.code, statusJson.stderr).toBe(0)
    const status = JSON.parse(statusJson.stdout) as WatchStatus
    const counts = Object.fromEntries(status.deliveries.map((channel) => [channel.subscription, [channel.sent, channel.waiting, channel.pending, channel.failing, channel.dead]]))
    expect(counts).toEqual({ 'docs-hook': [1, 0, 0, 0, 0], digest: [1, 0, 0, 0, 0], reader: [4, 0, 0, 0, 0] })
    expect(status.problems).toEqual([])

    // the database agrees: the changes recorded are the timeline's; baseline events have no delivery
    const stored = await db.read(async (handle) => ({
      events: await handle.selectFrom('change_event as ce').innerJoin('entry as e', 'e.id', 'ce.entry_id').select(['ce.id', 'ce.kind', 'ce.baseline', 'e.entry_key']).execute(),
      deliveries: await handle.selectFrom('delivery').select(['change_event_id', 'subscription']).execute(),
      messages: await handle.selectFrom('delivery_message').select(['subscription', 'key', 'status']).execute(),
    }))
    const baselineIds = new Set(stored.events.filter((event) => event.baseline).map((event) => event.id))
    expect(baselineIds.size).toBe(baselineShown)
    expect(stored.events.filter((event) => !event.baseline).map((event) => `${event.kind} ${event.entry_key}`).sort()).toEqual(ALL_CHANGES)
    expect(stored.deliveries.filter((delivery) => baselineIds.has(delivery.change_event_id))).toEqual([])
    expect(stored.messages.every((message) => message.status === 'sent')).toBe(true)
    expect(requests.map((request) => request.idempotencyKey).sort()).toEqual(stored.messages.filter((m) => m.subscription === 'docs-hook').map((m) => m.key).sort())
    // the e-mail links every changed entry (its URL ends with its key) and no other entry of the baseline
    const text = mail?.parsed.text ?? ''
    const changedKeys = new Set(stored.events.filter((event) => !event.baseline).map((event) => event.entry_key))
    for (const key of changedKeys) expect(text).toContain(key)
    expect(stored.events.filter((event) => event.baseline && !changedKeys.has(event.entry_key) && text.includes(event.entry_key))).toEqual([])
    expect(mail?.parsed.headers.get('x-eurowatch-delivery')).toBe(stored.messages.find((m) => m.subscription === 'digest')?.key)
  })

  it('keeps a failed send for later: the run still succeeds, `deliver` sends it once; a dead SMTP server is told to the operator', async () => {
    db = await createCliDatabase(backend, workDir())
    const env = { ...db.env, ...secretEnv() }
    const flaky = await startWebhookReceiver()
    try {
      hooks.requests.length = 0
      flaky.setScript(() => ({ status: 500, body: 'down for maintenance' }))
      writeConfig(`sources:
  - { name: social-innovation, profile: eurocities-legacy, url: '${SOCIAL_INNOVATION}' }
${smtpYaml(await closedPort())}
delivery: { maxAttempts: 2, retryBaseSeconds: 0, sendAttempts: 1 }
subscriptions:
  - name: flaky
    channel: { type: webhook, url: "${flaky.url('/hook')}" }
  - name: mail
    channel: { type: email, to: [analysts@example.org] }
operator:
  channel: { type: webhook, url: "\${EW_OPS_URL}" }
`)
      const baseline = await eurowatch(['run', '--offline', '--step', '0'], env)
      expect(baseline.code, baseline.stderr).toBe(0)
      const failing = await eurowatch(['run', '--offline', '--step', '1'], env)
      // the changes are reported and the exit code is the crawl's: deliveries never fail a run
      expect(failing.code, failing.stderr).toBe(0)
      expect(failing.stdout).toContain('New (3)')
      // the webhook's three messages went out together (four at a time) and failed; the mail failed;
      // the operator's message that they fail went out
      expect(failing.stderr).toContain(deliveryLine(1, 4, 0))
      expect(failing.stderr).toMatch(/flaky: will retry: .*answered 500/)
      expect(failing.stderr).toMatch(/mail: will retry: .*127\.0\.0\.1:\d+.*ECONNREFUSED/)
      // one request each (one send attempt), then the subscription rests: its receiver is down
      const failedKeys = flaky.requests.map((request) => request.idempotencyKey).sort()
      expect(new Set(failedKeys).size).toBe(3)
      // the operator hears at once that both fail, not only once they are given up
      const opsRequests = () => hooks.requests.filter((request) => request.path === `/ops/${SECRETS.opsToken}`)
      const noticesOf = (request: ReceivedRequest | undefined) => (request === undefined ? [] : bodyOf(request).notices.map((notice) => `${notice.state} ${notice.problem}`).sort())
      expect(opsRequests()).toHaveLength(1)
      expect(noticesOf(opsRequests()[0])).toEqual(['open failing:flaky', 'open failing:mail'])

      const waiting = await eurowatch(['status'], env)
      expect(waiting.code, waiting.stderr).toBe(0)
      expect(waiting.stdout).toContain('  flaky: 0 sent, 0 waiting, 0 pending, 3 failing, 0 dead')
      expect(waiting.stdout).toContain('  mail: 0 sent, 0 waiting, 0 pending, 1 failing, 0 dead')
      expect(waiting.stdout).toMatch(/ {4}last error: .*answered 500/)

      // the receiver is back: `deliver` sends the three changes again, under their first keys
      flaky.setScript([])
      const later = await eurowatch(['deliver'], env)
      // the SMTP server is still down and out of attempts: given up, and the operator told once
      expect(later.code, later.stderr).toBe(3)
      expect(later.stdout).toMatch(/^deliveries: 4 sent, 0 failed, 1 given up \(mail: given up: .*ECONNREFUSED.*\)\n$/)
      expect(flaky.requests).toHaveLength(6)
      const accepted = flaky.accepted()
      expect(accepted.map((request) => request.idempotencyKey).sort()).toEqual(failedKeys)
      expect(changesOf(accepted)).toEqual(changesAt(1))

      // the webhook recovered (told once), the mail is given up (told once); the mail still fails
      const told = opsRequests()
      expect(told).toHaveLength(2)
      expect(noticesOf(told[1])).toEqual(['open dead:mail', 'resolved failing:flaky'])
      for (const request of told) for (const secret of Object.values(SECRETS)) expect(request.text).not.toContain(secret)

      // nothing more to send, nothing sent twice
      const again = await eurowatch(['deliver'], env)
      expect(again).toMatchObject({ code: 0, stdout: `${deliveryLine(0)}\n` })
      expect(flaky.requests).toHaveLength(6)
      expect(opsRequests()).toHaveLength(2)

      const statusJson = await eurowatch(['status', '--json'], env)
      expect(statusJson.code, statusJson.stderr).toBe(0)
      const status = JSON.parse(statusJson.stdout) as WatchStatus
      const counts = Object.fromEntries(status.deliveries.map((channel) => [channel.subscription, [channel.sent, channel.failing, channel.dead]]))
      expect(counts).toEqual({ '@operator': [2, 0, 0], flaky: [3, 0, 0], mail: [0, 0, 1] })
      expect(status.problems.map((problem) => problem.problem)).toEqual(['failing:mail', 'dead:mail'])
    } finally {
      await flaky.close()
    }
  })
})

describe('alerts test and alert settings through the CLI', { timeout: 120_000 }, () => {
  function setUp(): void {
    writeConfig(`${SOURCES_YAML}${smtpYaml(smtp.port)}
subscriptions:
  - name: docs-hook
    channel: { type: webhook, url: "\${EW_HOOK_URL}", secret: "\${EW_HOOK_SECRET}" }
  - name: digest
    channel: { type: email, to: [analysts@example.org] }
    digest: "0 8 * * 1-5"
  - name: reader
    channel: { type: feed, path: out/reader.atom }
operator:
  channel: { type: webhook, url: "\${EW_OPS_URL}" }
`)
  }

  it('sends a sample through each channel, and names an unknown subscription in one line', async () => {
    setUp()
    hooks.requests.length = 0
    smtp.messages.length = 0
    const hook = await eurowatch(['alerts', 'test', 'docs-hook'], secretEnv())
    expect(hook, hook.stderr).toMatchObject({ code: 0, stderr: '' })
    // the endpoint by its origin: the token in the path stays out of the output
    expect(hook.stdout).toMatch(new RegExp(`^sent a test message to webhook ${hooks.url('').replace(/[.]/g, '\\.')}.* \\(key eurowatch-test-[0-9a-f-]+\\)\\n$`))
    const [request] = hooks.requests
    expect(request?.path).toBe(`/new/${SECRETS.hookToken}`)
    expect(request?.signatureValid).toBe(true)
    expect(bodyOf(request as ReceivedRequest).alert).toMatchObject({ kind: 'test', subscription: 'docs-hook' })

    expect((await eurowatch(['alerts', 'test', 'digest'], secretEnv())).code).toBe(0)
    expect(smtp.messages).toHaveLength(1)
    expect(smtp.messages[0]?.user).toBe(SECRETS.smtpUser)
    expect(smtp.messages[0]?.parsed.subject).toContain('test message')

    // the sample goes beside the live feed, which its readers keep seeing as it was (here: none yet)
    const reader = await eurowatch(['alerts', 'test', 'reader'], secretEnv())
    expect(reader.code, reader.stderr).toBe(0)
    expect(reader.stdout).toContain(`atom feed ${join(workDir(), 'out/reader.test.atom')} (the live feed is untouched)`)
    expect(existsSync(join(workDir(), 'out/reader.atom'))).toBe(false)
    expect(parseFeedItems(readFileSync(join(workDir(), 'out/reader.test.atom'), 'utf8'))).toHaveLength(1)
    expect(readFileSync(join(workDir(), 'out/reader.test.atom'), 'utf8')).toContain('eurowatch test message')

    expect((await eurowatch(['alerts', 'test', 'operator'], secretEnv())).code).toBe(0)
    expect(hooks.requests.map((r) => r.path)).toEqual([`/new/${SECRETS.hookToken}`, `/ops/${SECRETS.opsToken}`])

    expectOneLineError(await eurowatch(['alerts', 'test', 'nope'], secretEnv()), 'alerts test: no subscription named "nope"')
    // the checks need no database: none was created
    expect(existsSync(join(workDir(), '.eurowatch'))).toBe(false)
  })

  it('fails a sample whose receiver refuses it in one line, exit 2', async () => {
    setUp()
    const refusing = { ...secretEnv(), EW_HOOK_URL: `http://127.0.0.1:${await closedPort()}/hook/${SECRETS.hookToken}` }
    const result = await eurowatch(['alerts', 'test', 'docs-hook'], refusing)
    expectOneLineError(result, 'alerts test docs-hook: webhook http://127.0.0.1:')
  })

  it('refuses a missing variable and malformed SMTP or webhook settings in one line naming the key, never a value', async () => {
    setUp()
    const withoutPassword = secretEnv()
    delete withoutPassword.EW_SMTP_PASSWORD
    const passwordLine = readFileSync(join(workDir(), 'eurowatch.yaml'), 'utf8').split('\n').findIndex((line) => line.includes('password:')) + 1
    expectOneLineError(await eurowatch(['status'], withoutPassword), `eurowatch.yaml:${passwordLine}: smtp.password: environment variable EW_SMTP_PASSWORD is not set`)
    expectOneLineError(await eurowatch(['run', '--offline'], { ...secretEnv(), EW_HOOK_URL: `htp://hooks.example.org/${SECRETS.hookToken}` }), 'subscriptions[0].channel.url: must be an absolute http(s) URL')
    expectOneLineError(
      await eurowatch(['deliver'], { ...secretEnv(), EW_HOOK_URL: `http://${SECRETS.hookToken}:${SECRETS.smtpPassword}@hooks.example.org/x` }),
      'subscriptions[0].channel.url: must not carry a user name or password',
    )
    expectOneLineError(await eurowatch(['alerts', 'test', 'docs-hook'], { ...secretEnv(), EW_HOOK_SECRET: 'short' }), 'subscriptions[0].channel.secret: at least 16 characters')

    const file = readFileSync(join(workDir(), 'eurowatch.yaml'), 'utf8')
    writeConfig(file.replace(/port: \d+/, 'port: 70000'))
    expectOneLineError(await eurowatch(['run', '--offline'], secretEnv()), 'eurowatch.yaml:', 'smtp.port')
    writeConfig(file.replace(/port: \d+/, 'port: smtp'))
    expectOneLineError(await eurowatch(['deliver'], secretEnv()), 'smtp.port')
    writeConfig(file.replace('host: 127.0.0.1', 'host: ""'))
    expectOneLineError(await eurowatch(['deliver'], secretEnv()), 'smtp.host')
    writeConfig(file.replace(/smtp:\n(  .*\n)+/, ''))
    expectOneLineError(await eurowatch(['alerts', 'test', 'digest'], secretEnv()), 'subscriptions[1].channel: an email channel needs the smtp block')
    writeConfig(file.replace('url: "${EW_OPS_URL}"', 'url: "mailto:ops@example.org"'))
    expectOneLineError(await eurowatch(['status'], secretEnv()), 'operator.channel.url: must be an absolute http(s) URL')
    // nothing was opened or created by a refused configuration
    expect(readdirSync(workDir())).toEqual(['eurowatch.yaml'])
  })
})
