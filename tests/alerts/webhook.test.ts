// The webhook channel against a real receiver on loopback: what it sends, how it retries a
// receiver that hangs, fails, drops the connection or asks to wait, and what it never says.
import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { Alert } from '../../domain/alert.ts'
import { deliveryFailure } from '../support/failure.ts'
import { buildReport } from '../../domain/change-report.ts'
import { WebhookChannelSchema } from '../../src/config/schema.ts'
import { webhookBody, webhookChannel } from '../../src/alerts/webhook.ts'
import { toReportJson } from '../../src/reports/json.ts'
import { AT, event, run2, sampleReport, snapshot } from '../reports/events.ts'
import { startWebhookReceiver, times, type WebhookReceiver, type WebhookReceiverOptions } from '../support/webhook-receiver.ts'

const SECRET = 'a-webhook-secret-of-32-characters'
// the path and query carry what a real hook URL carries: tokens that must never be shown
const TOKEN_PATH = '/hooks/tsecret01/bsecret02/xoxsecrettoken?token=querysecret'
const QUICK = { baseDelayMs: 10, maxDelayMs: 50 }

const receivers: WebhookReceiver[] = []
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()))
})

async function receiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(options)
  receivers.push(started)
  return started
}

function alert(overrides: Partial<Alert> = {}): Alert {
  return { key: 'eurowatch-analysts-3f2a9c07e1d84b6a9c5f20d1b7e4a318', subscription: 'analysts', kind: 'changes', cadence: 'immediate', report: sampleReport(), notices: [], createdAt: AT, history: [], ...overrides }
}

function channel(url: string, options: { secret?: string; timeoutSeconds?: number; attempts?: number } = {}) {
  const config = WebhookChannelSchema.parse({ type: 'webhook', url, secret: options.secret, timeoutSeconds: options.timeoutSeconds ?? 5 })
  return webhookChannel(config, options.attempts ?? 3, QUICK)
}

describe('webhookChannel', () => {
  it('POSTs the JSON report with the alert, its Idempotency-Key, its User-Agent and a signature of the exact bytes', async () => {
    const hook = await receiver({ secret: SECRET })
    await channel(hook.url(), { secret: SECRET }).send(alert())
    expect(hook.requests).toHaveLength(1)
    const [request] = hook.requests
    expect(request?.method).toBe('POST')
    expect(request?.headers['content-type']).toBe('application/json')
    expect(request?.idempotencyKey).toBe('eurowatch-analysts-3f2a9c07e1d84b6a9c5f20d1b7e4a318')
    expect(request?.headers['user-agent']).toMatch(/^eurowatch\//)
    expect(request?.headers['x-eurowatch-signature']).toMatch(/^sha256=[0-9a-f]{64}$/)
    expect(request?.signatureValid).toBe(true)
    const body = JSON.parse(request?.text ?? '')
    expect(body).toEqual(JSON.parse(JSON.stringify(webhookBody(alert()))))
    expect(body).toMatchObject({ ...JSON.parse(JSON.stringify(toReportJson(sampleReport()))), alert: { key: 'eurowatch-analysts-3f2a9c07e1d84b6a9c5f20d1b7e4a318', subscription: 'analysts', kind: 'changes', cadence: 'immediate' }, notices: [] })
    expect(body.changes).toHaveLength(4)
  })

  it('sends the body docs/webhook.md shows', async () => {
    const doc = readFileSync(new URL('../../docs/webhook.md', import.meta.url), 'utf8')
    const example = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1] ?? ''
    const hook = await receiver()
    const report = buildReport([event(1, 'new', snapshot(1))], [], [run2], { runIds: [2] }, AT)
    await channel(hook.url()).send(alert({ report, createdAt: new Date('2026-11-26T12:05:01.000Z') }))
    expect(JSON.parse(hook.requests[0]?.text ?? '')).toEqual(JSON.parse(example))
  })

  it('signs so that another secret does not verify, and does not sign without a secret', async () => {
    const other = await receiver({ secret: 'another-secret-of-enough-length' })
    await channel(other.url(), { secret: SECRET }).send(alert())
    expect(other.requests[0]?.signatureValid).toBe(false)
    const header = other.requests[0]?.headers['x-eurowatch-signature']
    expect(header).toBe(`sha256=${createHmac('sha256', SECRET).update(other.requests[0]?.body ?? '').digest('hex')}`)

    const unsigned = await receiver({ secret: SECRET })
    await channel(unsigned.url()).send(alert())
    expect(unsigned.requests[0]?.headers['x-eurowatch-signature']).toBeUndefined()
  })

  it('carries the notices of an operator alert', async () => {
    const hook = await receiver()
    const since = new Date('2026-11-20T08:00:00.000Z')
    const notice = { problem: 'health:news:no-entries', state: 'open' as const, listing: { source: 'news', url: 'http://www.eurocities.eu/eurocities/news' }, message: 'no entries on page 1', since, occurrences: 3 }
    const empty = buildReport([], [], [run2], { runIds: [2] }, AT)
    await channel(hook.url()).send(alert({ kind: 'operator', report: empty, notices: [notice] }))
    const body = JSON.parse(hook.requests[0]?.text ?? '')
    expect(body.alert.kind).toBe('operator')
    expect(body.changes).toEqual([])
    expect(body.notices).toEqual([{ ...notice, since: '2026-11-20T08:00:00.000Z' }])
  })

  it('sends a digest of many events as one request', async () => {
    const hook = await receiver()
    const events = Array.from({ length: 120 }, (_, i) => event(i + 1, 'new', snapshot(i + 1)))
    await channel(hook.url()).send(alert({ cadence: 'digest', report: buildReport(events, [], [run2], { runIds: [2] }, AT) }))
    expect(hook.requests).toHaveLength(1)
    expect(JSON.parse(hook.requests[0]?.text ?? '').changes).toHaveLength(120)
  })

  it.each([
    ['hangs past the timeout once', [{ delayMs: 10_000 }], 2],
    ['answers 500 three times', times(3, { status: 500 }), 4],
    ['sends a head and then stalls its body once', [{ stallBody: true as const }], 2],
    ['closes the connection once', [{ destroy: true as const }], 2],
    ['answers 429 with Retry-After in seconds', [{ status: 429, retryAfter: '1' }], 2],
    ['answers 503 with Retry-After as an HTTP date', [{ status: 503, retryAfter: new Date(Date.now() + 1000).toUTCString() }], 2],
    ['answers 408', [{ status: 408 }], 2],
  ])('delivers once a receiver that %s: every try carries the one Idempotency-Key', async (_name, script, tries) => {
    const hook = await receiver({ secret: SECRET, script })
    await channel(hook.url(), { secret: SECRET, timeoutSeconds: 0.5, attempts: tries }).send(alert())
    expect(hook.requests).toHaveLength(tries)
    expect(hook.uniqueKeys()).toEqual(['eurowatch-analysts-3f2a9c07e1d84b6a9c5f20d1b7e4a318'])
    expect(hook.accepted()).toHaveLength(1)
    expect(hook.requests.every((request) => request.signatureValid === true)).toBe(true)
    expect(new Set(hook.requests.map((request) => request.text)).size).toBe(1)
  })

  it('gives up after sendAttempts tries of a failing receiver, as retryable', async () => {
    const hook = await receiver({ script: () => ({ status: 502 }) })
    const sending = channel(hook.url(), { attempts: 3 }).send(alert())
    await hook.waitForRequests(3)
    const error = await deliveryFailure(sending)
    expect(error.retryable).toBe(true)
    expect(error.message).toMatch(/answered 502 Bad Gateway \(3 tries\)$/)
    expect(hook.requests).toHaveLength(3)
  })

  it.each([400, 401, 404, 410, 422])('does not retry a %i: the same message will never be accepted', async (status) => {
    const hook = await receiver({ script: () => ({ status }) })
    const error = await deliveryFailure(channel(hook.url(), { attempts: 5 }).send(alert()))
    expect(error.retryable).toBe(false)
    expect(error.message).toContain(`answered ${status}`)
    expect(hook.requests).toHaveLength(1)
  })

  it('does not follow a redirect: the body and its signature go only where configured', async () => {
    const hook = await receiver({ script: () => ({ status: 308 }) })
    const error = await deliveryFailure(channel(hook.url(), { attempts: 3 }).send(alert()))
    expect(error.retryable).toBe(false)
    expect(hook.requests).toHaveLength(1)
  })

  it.each([
    ['seconds', () => '3600', 3_600_000],
    // the date made as the test runs, not as the file loads (a loaded machine may start it much later)
    ['an HTTP date', () => new Date(Date.now() + 7_200_000).toUTCString(), 7_200_000],
  ])('stops at a Retry-After beyond the cap (%s) and hands the wait to the outbox', async (_name, retryAfterOf, expected) => {
    const hook = await receiver({ script: [{ status: 429, retryAfter: retryAfterOf() }] })
    const error = await deliveryFailure(channel(hook.url(), { attempts: 5 }).send(alert()))
    expect(error.retryable).toBe(true)
    expect(error.retryAfterMs).toBeGreaterThan(expected - 5_000)
    expect(error.retryAfterMs).toBeLessThanOrEqual(expected)
    expect(hook.requests).toHaveLength(1)
  })

  it('keeps the Retry-After of the last try when the tries run out', async () => {
    const hook = await receiver({ script: () => ({ status: 503, retryAfter: '0' }) })
    const error = await deliveryFailure(channel(hook.url(), { attempts: 2 }).send(alert()))
    expect(error.retryable).toBe(true)
    expect(error.retryAfterMs).toBe(0)
    expect(hook.requests).toHaveLength(2)
  })

  it('names the origin, never the path or query, in its description and in every error', async () => {
    const hook = await receiver({ secret: SECRET })
    const origin = hook.url('')
    const messages: string[] = [channel(hook.url(TOKEN_PATH)).description]
    const attempt = async (script: Parameters<WebhookReceiver['setScript']>[0], timeoutSeconds = 5) => {
      hook.setScript(script)
      const error = await deliveryFailure(channel(hook.url(TOKEN_PATH), { secret: SECRET, timeoutSeconds, attempts: 1 }).send(alert()))
      messages.push(error.message)
    }
    await attempt(() => ({ delayMs: 5_000 }), 0.3)
    await attempt(() => ({ stallBody: true }), 0.3)
    await attempt(() => ({ status: 500 }))
    await attempt(() => ({ destroy: true }))
    // a receiver that echoes the token as its reason
    await attempt(() => ({ status: 404, body: 'xoxsecrettoken' }))
    await attempt(() => ({ status: 403, body: 'querysecret' }))
    const closedPort = await unusedPort()
    const refused = await deliveryFailure(channel(`http://127.0.0.1:${closedPort}${TOKEN_PATH}`, { attempts: 1 }).send(alert()))
    messages.push(refused.message)
    expect(messages[0]).toBe(`webhook ${origin}/…`)
    // a closed connection reads as the socket closing or, if the close raced the request, a reset
    const general = (message: string) => message.replace(/[0-9.]+ s\b/, 'N s').replace(/\((UND_ERR_SOCKET|ECONNRESET)\)/, '(closed)')
    expect(messages.slice(1).map(general)).toEqual([
      `webhook ${origin}: no answer within N s (1 try)`,
      `webhook ${origin}: no answer within N s (1 try)`,
      `webhook ${origin}: answered 500 Internal Server Error (1 try)`,
      `webhook ${origin}: connection failed (closed) (1 try)`,
      `webhook ${origin}: answered 404 Not Found`,
      `webhook ${origin}: answered 403 Forbidden`,
      `webhook http://127.0.0.1:${closedPort}: connection failed (ECONNREFUSED) (1 try)`,
    ])
    for (const message of messages) expect(message).not.toMatch(/secret|hooks|token/i)
  })
})

async function unusedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  return typeof address === 'object' && address !== null ? address.port : 0
}
