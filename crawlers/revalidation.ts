// Conditional requests, as http-cache-semantics reads RFC 9110/9111: the validators a stored
// response lets us send, and whether a 304 speaks of that stored response.
import CachePolicy from 'http-cache-semantics'

const GET = (url: string) => ({ url, method: 'GET', headers: {} })

function policyOf(url: string, stored: Record<string, string>): CachePolicy {
  // a private client: a response marked private may be revalidated too
  return new CachePolicy(GET(url), { status: 200, headers: stored }, { shared: false })
}

/**
 * If-None-Match / If-Modified-Since for a page whose response was stored with these headers; none
 * when it had no validator (or forbade storing). A Last-Modified later than the response's own Date
 * (or than now) is a wrong clock: asked with it, the server would answer 304 until that moment,
 * whatever changed, so it is not sent.
 */
export function revalidationHeaders(url: string, stored: Record<string, string>, now: Date): Record<string, string> {
  const asked = policyOf(url, stored).revalidationHeaders(GET(url))
  const headers: Record<string, string> = {}
  const etag = asked['if-none-match']
  if (typeof etag === 'string') headers['if-none-match'] = etag
  const since = asked['if-modified-since']
  if (typeof since === 'string' && !inTheFuture(since, stored.date, now)) headers['if-modified-since'] = since
  return headers
}

/**
 * The stored response's headers updated by a 304, or null when the 304 names another validator than
 * the stored response's (then the stored body cannot stand for the page).
 */
export function notModifiedHeaders(url: string, stored: Record<string, string>, answer: Record<string, string>): Record<string, string> | null {
  const { matches } = policyOf(url, stored).revalidatedPolicy(GET(url), { status: 304, headers: answer })
  if (!matches) return null
  // RFC 9111 4.3.4: the 304's fields replace the stored ones, but for those that describe the body
  const updated = { ...stored }
  for (const [name, value] of Object.entries(answer)) if (!KEPT_FROM_STORED.has(name)) updated[name] = value
  return updated
}

const KEPT_FROM_STORED = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'content-range', 'content-type', 'connection', 'keep-alive'])

function inTheFuture(lastModified: string, date: string | undefined, now: Date): boolean {
  const modified = Date.parse(lastModified)
  const served = date === undefined ? Number.NaN : Date.parse(date)
  const limit = Math.min(now.getTime(), Number.isFinite(served) ? served : now.getTime())
  return !Number.isFinite(modified) || modified > limit
}
