// A hostile web site on loopback for the crawler's hardening tests: 127.0.0.1 is the listing's host,
// 127.0.0.2 stands for "another host" (an internal address, another site). Both serve the same
// listings, in the legacy profile's markup, so the real parser reads them. A listing's page can be
// told to misbehave: answer late, stall, never end, bomb, answer JSON, nest 100,000 <div>s, link or
// redirect elsewhere. Entry pages answer 200 unless told otherwise.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'

export const THIS_HOST = '127.0.0.1'
export const OTHER_HOST = '127.0.0.2'

/** What one page of a listing does instead of answering normally. */
export type Misbehaviour =
  /** Headers (and the page) only after `delayMs`. */
  | { kind: 'slow'; delayMs: number }
  /** Headers and `afterBytes` of the page at once, then nothing, the connection held open. */
  | { kind: 'stall'; afterBytes: number }
  /** A chunked body (no Content-Length) that never ends: `x` after `x`, as fast as it is read. */
  | { kind: 'endless' }
  /** A few KB of gzip that inflate to `bytes` of zeros. */
  | { kind: 'gzip-bomb'; bytes: number }
  /** The page's entries as JSON, under application/json. */
  | { kind: 'json' }
  /** A page of `depth` nested <div>s around the entries. */
  | { kind: 'nested-divs'; depth: number }
  /** The page, with its next link pointing at `to` instead. */
  | { kind: 'next-link'; to: string }
  /** A 302 to `to`. */
  | { kind: 'redirect'; to: string }

export interface ListingSpec {
  /** Entries over all pages, newest first. */
  entries: number
  perPage?: number
  /** The last page that still shows a next link (a lost pager); by default every page but the last. */
  pagerEndsAt?: number
  /** Entries (by index, 0-based) taken off the listing, their pages still there unless their status says otherwise. */
  hidden?: number[]
  /** Pages (1-based) that misbehave, and how. */
  pages?: Record<number, Misbehaviour>
}

export interface HostileRequest {
  /** The Host header: which of the two hosts (and which name) was asked. */
  host: string
  path: string
  /** performance.now() when the request arrived. */
  at: number
}

export interface HostileSite {
  /** http://127.0.0.1:port */
  origin: string
  /** http://127.0.0.2:port, "another host". */
  otherOrigin: string
  port: number
  otherPort: number
  /** Serves the listing at /<name>, its page N at /<name>&page=N. Replaces any listing of that name. */
  setListing(name: string, spec: ListingSpec): void
  /** Changes how a listing is served, its entries (and their keys) kept. */
  changeListing(name: string, changes: Omit<Partial<ListingSpec>, 'entries'>): void
  /** The entry keys of a listing, in listing order (hidden ones included). */
  keysOf(name: string): string[]
  /** What an entry's own page answers (200 by default). */
  setEntryStatus(key: string, status: number): void
  /** The listing page's canonical URL on either host. */
  pageUrl(name: string, page?: number, origin?: string): string
  requests(): HostileRequest[]
  resetRequests(): void
  close(): Promise<void>
}

interface Listing {
  spec: ListingSpec
  keys: string[]
}

const PER_PAGE = 10

export async function startHostileSite(): Promise<HostileSite> {
  const listings = new Map<string, Listing>()
  const entryStatus = new Map<string, number>()
  let log: HostileRequest[] = []
  let listingCount = 0

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const path = request.url ?? '/'
    log.push({ host: request.headers.host ?? '', path, at: performance.now() })
    if (path === '/robots.txt') return void response.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n')
    const entry = /-(WSPO-[A-Z0-9]{6})$/.exec(path)?.[1]
    if (entry !== undefined) {
      const status = entryStatus.get(entry) ?? 200
      return void response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(`<html><body><h1>${entry}</h1></body></html>`)
    }
    const match = /^\/([a-z0-9-]+)(?:&page=(\d+))?$/.exec(path)
    const listing = match?.[1] === undefined ? undefined : listings.get(match[1])
    if (!match?.[1] || !listing) return void response.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>not here</body></html>')
    servePage(response, match[1], listing, Number(match[2] ?? 1))
  }

  const servers = await Promise.all([listen(THIS_HOST, handle), listen(OTHER_HOST, handle)])
  const [one, two] = servers.map((server) => (server.address() as AddressInfo).port) as [number, number]
  const origin = `http://${THIS_HOST}:${one}`

  return {
    origin,
    otherOrigin: `http://${OTHER_HOST}:${two}`,
    port: one,
    otherPort: two,
    setListing(name, spec) {
      const prefix = (listingCount += 1).toString(36).toUpperCase().padStart(2, '0')
      listings.set(name, { spec, keys: Array.from({ length: spec.entries }, (_, index) => `WSPO-${prefix}${index.toString(36).toUpperCase().padStart(4, '0')}`) })
    },
    changeListing(name, changes) {
      const listing = listings.get(name)
      if (!listing) throw new Error(`no listing ${name} on the hostile site`)
      listing.spec = { ...listing.spec, ...changes }
    },
    keysOf(name) {
      return [...(listings.get(name)?.keys ?? [])]
    },
    setEntryStatus(key, status) {
      entryStatus.set(key, status)
    },
    pageUrl(name, page = 1, at = origin) {
      return page === 1 ? `${at}/${name}` : `${at}/${name}&page=${page}`
    },
    requests: () => [...log],
    resetRequests() {
      log = []
    },
    async close() {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve())
              server.closeAllConnections()
            }),
        ),
      )
    },
  }
}

function listen(host: string, handle: (request: IncomingMessage, response: ServerResponse) => void): Promise<Server> {
  const server = createServer(handle)
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => resolve(server))
  })
}

function servePage(response: ServerResponse, name: string, listing: Listing, page: number): void {
  const { spec, keys } = listing
  const perPage = spec.perPage ?? PER_PAGE
  const hidden = new Set(spec.hidden ?? [])
  const shown = keys.filter((_, index) => !hidden.has(index))
  const pageCount = Math.max(1, Math.ceil(shown.length / perPage))
  if (page > pageCount) return void response.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>no such page</body></html>')
  const onPage = shown.slice((page - 1) * perPage, page * perPage)
  const hasNext = page < pageCount && page < (spec.pagerEndsAt ?? Number.POSITIVE_INFINITY)
  const misbehaviour = spec.pages?.[page]
  const next = misbehaviour?.kind === 'next-link' ? misbehaviour.to : hasNext ? `/${name}&page=${page + 1}` : null
  const content = listingContent(onPage, next)
  const html = `<html><body>${content}</body></html>`
  const headers = { 'content-type': 'text/html; charset=utf-8' }
  switch (misbehaviour?.kind) {
    case 'slow': {
      const timer = setTimeout(() => response.writeHead(200, headers).end(html), misbehaviour.delayMs)
      response.on('close', () => clearTimeout(timer))
      return
    }
    case 'stall':
      response.writeHead(200, { ...headers, 'content-length': String(Buffer.byteLength(html)) })
      response.write(html.slice(0, misbehaviour.afterBytes))
      return
    case 'endless': {
      response.writeHead(200, headers)
      const chunk = 'x'.repeat(64 * 1024)
      const more = (): void => {
        while (!response.destroyed && response.write(chunk));
        if (!response.destroyed) response.once('drain', more)
      }
      return more()
    }
    case 'gzip-bomb':
      return void response.writeHead(200, { ...headers, 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(misbehaviour.bytes)))
    case 'json':
      return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ entries: onPage, html }))
    case 'nested-divs': {
      const depth = misbehaviour.depth
      return void response.writeHead(200, headers).end(`<html><body>${'<div>'.repeat(depth)}${content}${'</div>'.repeat(depth)}</body></html>`)
    }
    case 'redirect':
      return void response.writeHead(302, { location: misbehaviour.to, 'content-type': 'text/html' }).end('<html><body>moved</body></html>')
    default:
      return void response.writeHead(200, headers).end(html)
  }
}

function listingContent(keys: readonly string[], next: string | null): string {
  const items = keys.map((key) => `<div class="newsitem"><h2 class="newstitle"><a href="/eurocities/news/entry-${key}">Entry ${key}</a></h2></div>`).join('')
  const pager = next === null ? '' : `<div class="pager"><a class="next" href="${next}">next</a></div>`
  return `<div id="content"><div class="newslist">${items}</div>${pager}</div>`
}
