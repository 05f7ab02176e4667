// Part of the offline world of the demo and the tests, like the replica site itself.
// A real HTTP receiver on loopback for webhook and Slack alerts: it records every request it read
// (headers, body, Idempotency-Key, whether the HMAC signature holds) and answers each by a script:
// hang past the client's timeout, answer a status (with Retry-After), or destroy the connection.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the receiver does with one request; nothing scripted answers 200 with `okBody`. */
export type Fault =
  /** Answers 200 only after this long: longer than the client's timeout, it gives up first. */
  | { delayMs: number }
  | { status: number; body?: string; retryAfter?: string }
  /** Reads the request, then closes the connection without an answer. */
  | { destroy: true }
  /** Sends a 200 head and a first byte of the body, then nothing more: a timeout must cover the body too. */
  | { stallBody: true }

/** By request number (1 for the first request): a list (past its end, all succeed) or a function. */
export type Script = readonly (Fault | undefined)[] | ((n: number) => Fault | undefined)

export interface ReceivedRequest {
  /** 1 for the first request the receiver read. */
  n: number
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: Buffer
  text: string
  idempotencyKey: string | undefined
  /** Against the receiver's secret; null when it has none or the request carries no signature. */
  signatureValid: boolean | null
  /** What the script did: a status answered, or 'delayed' / 'destroyed' / 'stalled'. */
  answer: number | 'delayed' | 'destroyed' | 'stalled'
}

export interface WebhookReceiver {
  /** http://127.0.0.1:port plus `path` (default "/hook"). */
  url: (path?: string) => string
  requests: ReceivedRequest[]
  /** The Idempotency-Keys received, each once, in order of arrival. */
  uniqueKeys: () => string[]
  /** Requests answered 2xx. */
  accepted: () => ReceivedRequest[]
  /** Resolves once `count` requests have been read (e.g. to stop a process mid-delivery). */
  waitForRequests: (count: number) => Promise<void>
  /** Replaces the script; request numbers keep counting. */
  setScript: (script: Script) => void
  close: () => Promise<void>
}

export interface WebhookReceiverOptions {
  /** Verifies X-Eurowatch-Signature with it. */
  secret?: string
  script?: Script
  /** The body of a 200 answer (Slack answers "ok"). */
  okBody?: string
}

/** `times(3, { status: 500 })`: the first three requests fail, the rest succeed. */
export function times(count: number, fault: Fault): Fault[] {
  return Array.from({ length: count }, () => fault)
}

export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  let script: Script = options.script ?? []
  const requests: ReceivedRequest[] = []
  const timers = new Set<NodeJS.Timeout>()
  const waiting: { count: number; resolve: () => void }[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const n = requests.length + 1
      const fault = typeof script === 'function' ? script(n) : script[n - 1]
      const body = Buffer.concat(chunks)
      const received: ReceivedRequest = {
        n,
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body,
        text: body.toString('utf8'),
        idempotencyKey: single(request.headers['idempotency-key']),
        signatureValid: verify(body, single(request.headers['x-eurowatch-signature']), options.secret),
        answer: 200,
      }
      requests.push(received)
      for (const waiter of waiting.filter((w) => requests.length >= w.count)) {
        waiting.splice(waiting.indexOf(waiter), 1)
        waiter.resolve()
      }
      answer(received, fault, response)
    })
  })

  function answer(received: ReceivedRequest, fault: Fault | undefined, response: ServerResponse): void {
    if (fault === undefined) {
      response.writeHead(200, { 'content-type': 'text/plain' }).end(options.okBody ?? 'ok')
    } else if ('destroy' in fault) {
      received.answer = 'destroyed'
      response.socket?.destroy()
    } else if ('stallBody' in fault) {
      received.answer = 'stalled'
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).write('o')
    } else if ('delayMs' in fault) {
      received.answer = 'delayed'
      const timer = setTimeout(() => {
        timers.delete(timer)
        if (!response.destroyed) response.writeHead(200).end(options.okBody ?? 'ok')
      }, fault.delayMs)
      timers.add(timer)
    } else {
      received.answer = fault.status
      const headers: Record<string, string> = { 'content-type': 'text/plain' }
      if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter
      response.writeHead(fault.status, headers).end(fault.body ?? '')
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    requests,
    uniqueKeys: () => [...new Set(requests.flatMap((r) => (r.idempotencyKey === undefined ? [] : [r.idempotencyKey])))],
    accepted: () => requests.filter((r) => typeof r.answer === 'number' && r.answer >= 200 && r.answer < 300),
    waitForRequests: (count) =>
      requests.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ count, resolve })),
    setScript: (next) => {
      script = next
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      server.closeAllConnections()
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))
    },
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function verify(body: Buffer, header: string | undefined, secret: string | undefined): boolean | null {
  if (secret === undefined || header === undefined) return null
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`)
  const given = Buffer.from(header)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
