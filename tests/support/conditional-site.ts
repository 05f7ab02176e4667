// A listing on loopback that answers conditional requests, truthfully or not, for the incremental
// crawl's tests: legacy-profile markup (the real parser reads it), ten entries a page, each page's
// ETag and Last-Modified as the test sets them, and every request logged with its answer.
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** How pages are validated. */
export type EtagMode =
  /** A hash of the body: a 304 only when nothing changed. */
  | 'honest'
  /** The same ETag whatever the body: a changed page still answers 304. */
  | 'constant'
  /** A new ETag on every answer, so a 304 never comes. */
  | 'random'
  /** No ETag at all. */
  | 'none'

export interface SiteRequest {
  path: string
  status: number
  bytes: number
  ifNoneMatch: string | null
  ifModifiedSince: string | null
}

export interface ConditionalSite {
  origin: string
  /** The listing's canonical URL (page 1). */
  listingUrl: string
  /** Entry keys in listing order, newest first: change it to change the listing. */
  keys: string[]
  /** A title different from the default for a key. */
  titles: Map<string, string>
  etag: EtagMode
  /** Sent on every page, and honoured on If-Modified-Since when there is no ETag; null: none. */
  lastModified: Date | null
  /** Answer 304 to every page request, asked conditionally or not. */
  always304: boolean
  /** Pages (1-based) that answer 500. */
  failing: Set<number>
  perPage: number
  requests: SiteRequest[]
  close(): Promise<void>
}

export function entryKey(index: number): string {
  return `WSPO-${index.toString(36).toUpperCase().padStart(6, '0')}`
}

export async function startConditionalSite(entries: number): Promise<ConditionalSite> {
  const server = createServer((request, response) => handle(site, request, response))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const site: ConditionalSite = {
    origin,
    listingUrl: `${origin}/news`,
    keys: Array.from({ length: entries }, (_, index) => entryKey(index + 1)),
    titles: new Map(),
    etag: 'honest',
    lastModified: null,
    always304: false,
    failing: new Set(),
    perPage: 10,
    requests: [],
    close: () => closeServer(server),
  }
  return site
}

let randomTag = 0

function handle(site: ConditionalSite, request: IncomingMessage, response: ServerResponse): void {
  const path = request.url ?? '/'
  const answer = (status: number, headers: Record<string, string>, body = ''): void => {
    site.requests.push({
      path,
      status,
      bytes: Buffer.byteLength(body),
      ifNoneMatch: header(request, 'if-none-match'),
      ifModifiedSince: header(request, 'if-modified-since'),
    })
    response.writeHead(status, headers).end(body)
  }
  if (path === '/robots.txt') return answer(200, { 'content-type': 'text/plain' }, 'User-agent: *\nAllow: /\n')
  const match = /^\/news(?:&page=(\d+))?$/.exec(path)
  const page = Number(match?.[1] ?? 1)
  const pages = Math.max(1, Math.ceil(site.keys.length / site.perPage))
  if (!match || page > pages) return answer(404, { 'content-type': 'text/html' }, '<html><body>not here</body></html>')
  if (site.failing.has(page)) return answer(500, { 'content-type': 'text/html' }, '<html><body>down</body></html>')
  const body = pageHtml(site, page, pages)
  const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', date: new Date().toUTCString() }
  const etag = etagOf(site.etag, body)
  if (etag !== null) headers.etag = etag
  if (site.lastModified !== null) headers['last-modified'] = site.lastModified.toUTCString()
  if (site.always304) return answer(304, headers)
  const ifNoneMatch = header(request, 'if-none-match')
  const ifModifiedSince = header(request, 'if-modified-since')
  const notModified =
    ifNoneMatch !== null
      ? etag !== null && ifNoneMatch.split(',').some((tag) => tag.trim() === etag)
      : ifModifiedSince !== null && site.lastModified !== null && Date.parse(ifModifiedSince) >= Math.floor(site.lastModified.getTime() / 1000) * 1000
  if (notModified) return answer(304, headers)
  answer(200, headers, body)
}

function pageHtml(site: ConditionalSite, page: number, pages: number): string {
  const keys = site.keys.slice((page - 1) * site.perPage, page * site.perPage)
  const items = keys
    .map((key) => `<div class="newsitem"><h2 class="newstitle"><a href="/eurocities/news/entry-${key}">${site.titles.get(key) ?? `Entry ${key}`}</a></h2></div>`)
    .join('')
  const pager = page < pages ? `<div class="pager"><a class="next" href="/news&page=${page + 1}">next</a></div>` : ''
  return `<html><body><div id="content"><div class="newslist">${items}</div>${pager}</div></body></html>`
}

function etagOf(mode: EtagMode, body: string): string | null {
  switch (mode) {
    case 'honest':
      return `"${createHash('sha256').update(body).digest('hex').slice(0, 20)}"`
    case 'constant':
      return '"always-the-same"'
    case 'random':
      return `"r${(randomTag += 1)}"`
    case 'none':
      return null
  }
}

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name]
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null)
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
}
