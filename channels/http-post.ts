// One POST of a JSON body with quick retries: what webhooks and Slack share. The URL may carry a
// token in its path or query (a Slack incoming webhook's path IS one): messages name the origin only.
import { setTimeout as sleep } from 'node:timers/promises'
import { DeliveryError } from '../domain/alert.ts'

export interface HttpPostRequest {
  url: string
  /** The exact bytes to send (a signature is computed over them). */
  body: Uint8Array
  /** Content-Type, Idempotency-Key, User-Agent... as the caller wants them. */
  headers: Record<string, string>
  /** For the whole request: connecting, sending, the answer's head and its body. */
  timeoutMs: number
  /** Tries within this one send (at least 1). */
  attempts: number
  /** Names the kind of receiver in messages: "webhook", "slack". */
  label: string
}

export interface HttpPostTuning {
  /** The pause before retry n is base * 2^(n-1), at most maxDelayMs, jittered by -50..0%. */
  baseDelayMs: number
  maxDelayMs: number
  /** A longer Retry-After ends the send: the outbox waits that long instead of this process. */
  maxRetryAfterMs: number
  /** Of an answer's body, only this much is read (Slack answers "ok" or an error code). */
  maxResponseBytes: number
}

/** Sent unless the caller names itself otherwise. */
export const USER_AGENT = 'eurowatch/0.1.0 (+https://github.com/eurowatch/eurowatch; alerts)'

export const DEFAULT_TUNING: HttpPostTuning = { baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 30_000, maxResponseBytes: 64 * 1024 }

export interface HttpPostAnswer {
  status: number
  /** The first maxResponseBytes of the body, as UTF-8. */
  body: string
  /** Tries it took. */
  attempts: number
}

/** One try's outcome when it is not a success: worth retrying or not, and how long the receiver asked to wait. */
interface Failure {
  message: string
  retryable: boolean
  retryAfterMs?: number
}

/**
 * POSTs the body until a 2xx answer or until `attempts` run out. Connection errors, timeouts, 408,
 * 429 and 5xx are retried after a backoff (or the Retry-After asked for, within the cap); other
 * answers throw a DeliveryError that is not retryable. Redirects are not followed: the body and its
 * signature go only where they were configured to.
 */
export async function postJson(request: HttpPostRequest, tuning: Partial<HttpPostTuning> = {}): Promise<HttpPostAnswer> {
  const settings = { ...DEFAULT_TUNING, ...tuning }
  const attempts = Math.max(1, Math.floor(request.attempts))
  for (let attempt = 1; ; attempt++) {
    const outcome = await tryOnce(request, settings)
    if ('status' in outcome) return { ...outcome, attempts: attempt }
    const failure = outcome
    const prefix = `${request.label} ${endpointName(request.url)}`
    if (!failure.retryable) throw new DeliveryError(`${prefix}: ${failure.message}`, false)
    if (failure.retryAfterMs !== undefined && failure.retryAfterMs > settings.maxRetryAfterMs) {
      throw new DeliveryError(`${prefix}: ${failure.message}, asked to wait ${seconds(failure.retryAfterMs)}`, true, failure.retryAfterMs)
    }
    if (attempt >= attempts) {
      const tries = attempts === 1 ? '1 try' : `${attempts} tries`
      throw new DeliveryError(`${prefix}: ${failure.message} (${tries})`, true, failure.retryAfterMs)
    }
    await sleep(failure.retryAfterMs ?? backoffMs(attempt, settings))
  }
}

/** "https://hooks.example.org": what may be shown of a URL whose path or query may hold a token. */
export function endpointName(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : '(not a URL)'
}

/** "webhook https://hooks.example.org/…": a channel's description without its secret parts. */
export function describeEndpoint(label: string, url: string): string {
  if (!URL.canParse(url)) return `${label} (not a URL)`
  const parsed = new URL(url)
  const more = parsed.pathname !== '/' || parsed.search !== '' ? '/…' : ''
  return `${label} ${parsed.origin}${more}`
}

/** Retry-After is delay-seconds or an HTTP date (RFC 9110 10.2.3); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null) return null
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}

function backoffMs(attempt: number, settings: HttpPostTuning): number {
  const full = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempt - 1))
  return Math.round(full * (0.5 + Math.random() / 2))
}

async function tryOnce(request: HttpPostRequest, settings: HttpPostTuning): Promise<Omit<HttpPostAnswer, 'attempts'> | Failure> {
  // The request owns its timer, over the body too: an AbortSignal.timeout joined with
  // AbortSignal.any can be garbage-collected before it fires (nodejs/node#57736).
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), request.timeoutMs)
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: { 'User-Agent': USER_AGENT, ...request.headers },
      body: request.body,
      redirect: 'manual',
      signal: controller.signal,
    })
    const body = await readCapped(response, settings.maxResponseBytes)
    if (response.status >= 200 && response.status < 300) return { status: response.status, body }
    return answerFailure(response, body, request.url)
  } catch (error) {
    if (controller.signal.aborted) return { message: `no answer within ${seconds(request.timeoutMs)}`, retryable: true }
    if (error instanceof TypeError && error.cause !== undefined) return { message: `connection failed (${causeCode(error.cause)})`, retryable: true }
    throw error
  } finally {
    clearTimeout(timer)
  }
}

function answerFailure(response: Response, body: string, url: string): Failure {
  const { status } = response
  const reason = receiverReason(response.statusText, body, url)
  const message = `answered ${status}${reason === '' ? '' : ` ${reason}`}`
  if (status >= 300 && status < 400) return { message: `${message} (a redirect: configure the URL it points to)`, retryable: false }
  const retryable = status === 408 || status === 429 || status >= 500
  if (!retryable) return { message, retryable }
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'))
  return retryAfterMs === null ? { message, retryable } : { message, retryable, retryAfterMs }
}

/**
 * A short error code in the body (Slack answers 404 "channel_not_found"), else the status text;
 * never a part of the URL's path or query that a receiver might echo (a token).
 */
function receiverReason(statusText: string, body: string, url: string): string {
  const parsed = new URL(url)
  const secrets = `${parsed.pathname}${parsed.search}`.split(/[/?&=]/).filter((part) => part.length >= 4)
  const shown = (text: string) => !secrets.some((secret) => text.includes(secret))
  const code = body.trim()
  if (/^[a-z][a-z0-9_]{1,63}$/.test(code) && shown(code)) return code
  const text = statusText.replace(/[^\x20-\x7e]/g, '').slice(0, 80)
  return shown(text) ? text : ''
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (response.body === null) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let length = 0
  while (length < maxBytes) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    length += value.byteLength
  }
  if (length >= maxBytes) await reader.cancel()
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8')
}

function causeCode(cause: unknown): string {
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') return cause.code
  return cause instanceof Error ? cause.name : 'unknown'
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`
}
