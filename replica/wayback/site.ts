// The replica's web archive, in the Wayback Machine's shapes: the CDX server
// (/cdx/search/cdx?url=...&output=json, with matchType, from/to, filter=statuscode:N,
// collapse=digest, limit and showResumeKey/resumeKey) and the captures' original bytes
// (/web/<timestamp>id_/<url>; another timestamp redirects to the nearest capture, as the
// archive does). Captures replay the legacy site at the step they were taken.
import { createHash } from 'node:crypto'
import type { ReplicaSite, SiteResponse } from '../types.ts'
import { dateOfTimestamp, plannedCaptures, type PlannedCapture } from './captures.ts'

export const WAYBACK_PREFIXES = ['/cdx/', '/web/']

const CDX_FIELDS = ['urlkey', 'timestamp', 'original', 'mimetype', 'statuscode', 'digest', 'length']
const CAPTURE = /^\/web\/(\d{14})id_\/(.+)$/

interface StoredCapture extends PlannedCapture {
  urlkey: string
  response: SiteResponse
  digest: string
}

export function createWaybackSite(legacy: ReplicaSite): ReplicaSite {
  const replay = (path: string, step: number) => legacy.resolve(path.split('?')[0] ?? path, step, new URLSearchParams(), 'eurocities')
  const captures: StoredCapture[] = plannedCaptures((path, step) => replay(path, step).status === 200)
    .map((capture) => {
      const response = replay(capture.path, capture.step)
      return { ...capture, urlkey: urlKey(capture.original), response, digest: base32(createHash('sha1').update(response.body).digest()) }
    })
    // the CDX index order: by URL key, then time
    .sort((a, b) => a.urlkey.localeCompare(b.urlkey) || a.timestamp.localeCompare(b.timestamp))

  function cdx(query: URLSearchParams): SiteResponse {
    const url = query.get('url')
    if (url === null || url === '') return text(400, 'url parameter required')
    if ((query.get('output') ?? '') !== 'json') return text(400, 'only output=json is served here')
    const key = urlKey(url)
    const prefix = query.get('matchType') === 'prefix'
    const status = /^statuscode:(\d{3})$/.exec(query.get('filter') ?? '')?.[1]
    const from = (query.get('from') ?? '').padEnd(14, '0')
    const to = (query.get('to') ?? '').padEnd(14, '9')
    let rows = captures.filter(
      (capture) =>
        (prefix ? capture.urlkey.startsWith(key) : capture.urlkey === key) &&
        (status === undefined || String(capture.response.status) === status) &&
        capture.timestamp >= from &&
        capture.timestamp <= to,
    )
    // collapse=digest drops a capture identical to the one before it of the same URL
    if (query.get('collapse') === 'digest') rows = rows.filter((capture, index) => index === 0 || rows[index - 1]?.urlkey !== capture.urlkey || rows[index - 1]?.digest !== capture.digest)
    const resume = query.get('resumeKey')
    if (resume !== null) {
      const after = Buffer.from(resume, 'base64url').toString()
      rows = rows.filter((capture) => `${capture.urlkey} ${capture.timestamp}` > after)
    }
    const limit = Number(query.get('limit') ?? 'NaN')
    const page = Number.isInteger(limit) && limit > 0 ? rows.slice(0, limit) : rows
    const body: unknown[][] = page.length === 0 ? [] : [CDX_FIELDS, ...page.map(cdxRow)]
    const last = page.at(-1)
    if (query.get('showResumeKey') === 'true' && page.length < rows.length && last !== undefined) body.push([], [Buffer.from(`${last.urlkey} ${last.timestamp}`).toString('base64url')])
    return { status: 200, contentType: 'application/json', body: Buffer.from(JSON.stringify(body)) }
  }

  function capture(timestamp: string, original: string): SiteResponse {
    const key = urlKey(original)
    const ofUrl = captures.filter((candidate) => candidate.urlkey === key)
    const exact = ofUrl.find((candidate) => candidate.timestamp === timestamp)
    if (exact !== undefined) {
      return {
        ...exact.response,
        headers: { ...exact.response.headers, Link: `<${exact.original}>; rel="original"`, 'Memento-Datetime': dateOfTimestamp(exact.timestamp).toUTCString() },
      }
    }
    if (ofUrl.length === 0) return { status: 404, contentType: 'text/html; charset=utf-8', body: Buffer.from('<html><body><p>Wayback Machine has not archived that URL.</p></body></html>\n') }
    const at = dateOfTimestamp(timestamp).getTime()
    const nearest = ofUrl.reduce((best, candidate) => (Math.abs(dateOfTimestamp(candidate.timestamp).getTime() - at) < Math.abs(dateOfTimestamp(best.timestamp).getTime() - at) ? candidate : best))
    return { status: 302, contentType: 'text/html; charset=utf-8', body: Buffer.from(''), headers: { Location: `/web/${nearest.timestamp}id_/${nearest.original}` } }
  }

  return {
    lastStep: Number.MAX_SAFE_INTEGER,
    resolve(path, _step, query) {
      if (path === '/cdx/search/cdx') return cdx(query)
      const match = CAPTURE.exec(path)
      // the original URL's own query string was cut off as the replica's: it belongs to the original
      if (match?.[1] !== undefined && match[2] !== undefined) return capture(match[1], `${match[2]}${query.size > 0 ? `?${query.toString()}` : ''}`)
      return text(404, 'not found')
    },
  }
}

function cdxRow(capture: StoredCapture): string[] {
  return [capture.urlkey, capture.timestamp, capture.original, capture.response.contentType.split(';')[0] ?? '', String(capture.response.status), capture.digest, String(capture.response.body.length)]
}

/** A SURT-like key: host without www, reversed, then the path; lower case. */
export function urlKey(url: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(url) ? url : `http://${url}`
  const parsed = new URL(withScheme)
  const host = parsed.hostname.replace(/^www\./, '').split('.').reverse().join(',')
  return `${host})${parsed.pathname}${parsed.search}`.toLowerCase()
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** RFC 4648 base32, the Wayback Machine's digest encoding of a SHA-1. */
function base32(bytes: Buffer): string {
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31]
  return out
}

function text(status: number, message: string): SiteResponse {
  return { status, contentType: 'text/plain; charset=utf-8', body: Buffer.from(`${message}\n`) }
}
