// The checks every fetched listing page goes through, whichever crawler fetched it.
import type { Logger } from 'pino'
import { MAX_REDIRECTS } from './fetch-http-client.ts'
import { describeStatus, networkProblem } from './fetch-failure.ts'
import type { CrawlSettings } from './listing-crawl.ts'
import { retryDelayMs } from './retry-delay.ts'

// crawlee adds its timeouts up into one timer, which must stay below 2^31 ms.
const MAX_BACKSTOP_SECONDS = 1_000_000

/**
 * crawlee's own timeouts, set out of the way of ours (the client's timer ends each request, the parse
 * budget each reading): crawlee's, firing first, would retry a page whose handler still runs, and store
 * it twice. Room for every redirect hop, each after its host's turn behind the other concurrent requests.
 */
export function backstopSeconds(settings: Pick<CrawlSettings, 'timeoutSeconds' | 'maxConcurrency' | 'perHostDelaySeconds'>): number {
  const hop = settings.timeoutSeconds + settings.maxConcurrency * settings.perHostDelaySeconds
  return Math.min(MAX_BACKSTOP_SECONDS, (MAX_REDIRECTS + 1) * hop + 600)
}

export function statusProblem(status: number | null): string | null {
  if (status === null) return 'no HTTP status'
  return status >= 200 && status < 300 ? null : describeStatus(status)
}

/** Server errors and 429 are worth another try; other statuses are the page's answer. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429
}

export function sizeProblem(bytes: number, limit: number): string | null {
  return bytes > limit ? `response of ${bytes} bytes exceeds the limit of ${limit}` : null
}

export function contentTypeProblem(contentType: string | null): string | null {
  const mime = contentType?.split(';')[0]?.trim().toLowerCase() ?? ''
  return mime === 'text/html' || mime === 'application/xhtml+xml' ? null : `not an HTML page (Content-Type ${mime || 'none'})`
}

/**
 * Why a page failed after its retries, in our words rather than crawlee's: the error status it ended
 * on (with the retries it had and the server's Retry-After), a network failure named by host, or
 * our own refusal as it was worded.
 */
export function describeFailedRequest(failed: { url: string; status: number | null; retries: number; retryAfter: string | null; error: Error }, timeoutSeconds: number): string {
  if (failed.status !== null && failed.status >= 400) return describeStatus(failed.status, failed.retries, failed.retryAfter)
  const mime = /served Content-Type ([^,]+),/.exec(failed.error.message)
  if (mime) return `not an HTML page (Content-Type ${mime[1]})`
  return networkProblem(failed.error, failed.url, timeoutSeconds) ?? failed.error.message.split('\n')[0] ?? String(failed.error)
}

/** Before crawlee retries a page: the server's Retry-After, else exponential backoff. */
export async function waitBeforeRetry(
  settings: CrawlSettings,
  log: Logger,
  retry: { url: string; retryCount: number; retryAfter: string | null; error: Error },
): Promise<void> {
  const wait = retryDelayMs(retry.retryCount, retry.retryAfter ?? undefined, {
    baseDelaySeconds: settings.retryBaseDelaySeconds,
    maxRetryAfterSeconds: settings.maxRetryAfterSeconds,
  })
  log.info({ url: retry.url, attempt: retry.retryCount + 1, waitMs: wait, error: retry.error.message.split('\n')[0] }, 'retrying')
  // the other workers' requests to the host wait too
  if (retry.retryAfter !== null) await settings.limiter?.holdOff?.(retry.url, wait / 1000)
  await new Promise((resolve) => setTimeout(resolve, wait))
}
