/** How long to wait before retrying: the server's Retry-After when it sent one, else exponential backoff with jitter. */
export function retryDelayMs(
  attempt: number,
  retryAfterHeader: string | undefined,
  options: { baseDelaySeconds: number; maxRetryAfterSeconds: number },
  now = Date.now(),
  random = Math.random,
): number {
  const retryAfter = parseRetryAfter(retryAfterHeader, now)
  if (retryAfter !== null) return Math.min(retryAfter, options.maxRetryAfterSeconds * 1000)
  const base = options.baseDelaySeconds * 1000 * 2 ** attempt
  return Math.round(base * (0.5 + random() / 2))
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 10.2.3). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}
