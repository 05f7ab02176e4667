// Why a request got no usable answer, in our words (they become health messages an operator reads):
// a status with its reason phrase, the retries it had and the pause the server asked for; a
// connection that failed, named by the host it was to.
import { STATUS_CODES } from 'node:http'

/** "HTTP 429 Too Many Requests (retried 3 times, Retry-After 120 s)". */
export function describeStatus(status: number, retries = 0, retryAfter: string | null = null): string {
  const phrase = STATUS_CODES[status]
  const notes: string[] = []
  if (retries > 0) notes.push(`retried ${retries} ${retries === 1 ? 'time' : 'times'}`)
  const pause = retryAfter?.trim() ?? ''
  if (pause !== '') notes.push(`Retry-After ${/^\d+$/.test(pause) ? `${pause} s` : pause.slice(0, 40)}`)
  return `HTTP ${status}${phrase === undefined ? '' : ` ${phrase}`}${notes.length === 0 ? '' : ` (${notes.join(', ')})`}`
}

/** A request that failed before an answer: refused, unresolvable, timed out or cut, named by the URL's host. */
export function describeNetworkError(error: unknown, url: string, timeoutSeconds: number): string {
  const known = networkProblem(error, url, timeoutSeconds)
  if (known !== null) return known
  const message = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)
  return `${hostOf(url)}: ${message.split('\n')[0] ?? message}`
}

/** The plain words for a network failure Node names by a code; null for any other error. */
export function networkProblem(error: unknown, url: string, timeoutSeconds: number): string | null {
  const host = hostOf(url)
  const code = errorCode(error)
  if (code === 'ECONNREFUSED') return `${host} refused the connection`
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') return `the host name ${hostnameOf(url)} could not be resolved (DNS)`
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return `${host} did not accept a connection in time`
  if (code === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return `no complete answer from ${host} within ${timeoutSeconds} s`
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return `${host} closed the connection before a complete answer`
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `${host} cannot be reached (no route to it)`
  return null
}

/** Node's fetch fails with TypeError('fetch failed') and the reason as its cause; a timeout signal with a TimeoutError. */
function errorCode(error: unknown): string | null {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth++) {
    if (current.name === 'TimeoutError') return 'TimeoutError'
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
  }
  return null
}

function hostOf(url: string): string {
  return URL.canParse(url) ? new URL(url).host : url.slice(0, 100)
}

function hostnameOf(url: string): string {
  return URL.canParse(url) ? new URL(url).hostname : url.slice(0, 100)
}
