// The replica's HTTP server: routes to a site generation, injects faults, answers
// conditional GETs and logs every request.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createHash } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { Fault, PostTheme, Replica, ReplicaRequest, ReplicaSite, SiteResponse } from './types.ts'
import { endlessIndexBody, FaultBook, oversizeBody } from './faults.ts'

export interface ServerOptions {
  host: string
  port: number
  step: number
  faults: Fault[]
  theme: PostTheme
}

export async function startServer(site: ReplicaSite, options: ServerOptions): Promise<Replica> {
  checkStep(site, options.step)
  let step = options.step
  let theme = options.theme
  let faults = new FaultBook(options.faults)
  let log: ReplicaRequest[] = []
  /** Answers given under an endless-index fault: each one's resume key is new. */
  let endlessAnswers = 0
  const waits = new Set<() => void>()
  let closing: Promise<void> | undefined

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A bug in the replica: answer 500 rather than hang the client, and keep serving.
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' })
      res.end(String(err))
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now()
    const rawPath = req.url ?? '/'
    const method = req.method ?? 'GET'
    const userAgent = req.headers['user-agent'] ?? null
    const record = (status: number, bytes: number): void => {
      log.push({ method, path: rawPath, status, bytes, at, userAgent })
    }
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return record(405, 0)
    }
    const cut = rawPath.indexOf('?')
    const query = new URLSearchParams(cut < 0 ? '' : rawPath.slice(cut + 1))
    const page = site.resolve(cut < 0 ? rawPath : rawPath.slice(0, cut), step, query, theme)
    const { delayMs, action } = faults.take(rawPath, page.listing !== undefined)
    if (delayMs > 0) await wait(delayMs)
    if (res.destroyed || !server.listening) return record(0, 0)

    if (action?.kind === 'status') return record(...send(res, method, errorPage(action.status), {}))
    if (action?.kind === 'rate-limit') {
      return record(...send(res, method, errorPage(429), { 'Retry-After': String(action.retryAfterSeconds) }))
    }
    if (action?.kind === 'replace') {
      const replaced = { status: action.status, contentType: action.contentType ?? 'text/html; charset=utf-8', body: Buffer.from(action.body) }
      return record(...send(res, method, replaced, action.headers ?? {}))
    }
    if (action?.kind === 'endless-index' && page.status === 200) {
      endlessAnswers += 1
      return record(...send(res, method, { ...page, body: endlessIndexBody(page.body, endlessAnswers, action.cycle) }, {}))
    }
    if (action?.kind === 'endless-body' && method === 'GET') {
      res.writeHead(200, { 'Content-Type': page.contentType })
      res.write(page.body)
      const padding = Buffer.alloc(64 * 1024, 0x20)
      // as fast as the client reads, until it hangs up or the replica closes
      const more = () => {
        while (!res.destroyed && res.write(padding));
      }
      res.on('drain', more)
      more()
      return record(200, page.body.length)
    }
    if (action?.kind === 'oversize') return record(...send(res, method, { ...page, status: 200, body: oversizeBody(action.bytes) }, {}))
    const drift = page.listing?.drift ?? page.drift
    if (action?.kind === 'layout-drift' && drift !== undefined) {
      return record(...send(res, method, { ...page, body: Buffer.from(drift()) }, cacheHeaders(page)))
    }
    if (action?.kind === 'truncate' && page.status === 200 && method === 'GET') {
      const cut = page.listing?.truncateAt ?? Math.floor(page.body.length / 2)
      // Promise the whole body, send part of it, then drop the connection.
      res.writeHead(200, { 'Content-Type': page.contentType, 'Content-Length': page.body.length })
      res.write(page.body.subarray(0, cut), () => res.destroy())
      return record(200, cut)
    }
    const headers = cacheHeaders(page)
    if (page.status === 200 && matchesEtag(req.headers['if-none-match'], headers.ETag)) {
      res.writeHead(304, headers).end()
      return record(304, 0)
    }
    record(...send(res, method, page, headers))
  }

  function wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        waits.delete(done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      waits.add(done)
    })
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolve())
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address

  return {
    origin: `http://${host}:${address.port}`,
    get step() {
      return step
    },
    setStep(next) {
      checkStep(site, next)
      step = next
    },
    setFaults(next) {
      faults = new FaultBook(next)
    },
    setTheme(next) {
      theme = next
    },
    requests: () => [...log],
    resetRequests() {
      log = []
    },
    close() {
      // Idempotent: tests and the CLI may both close on the way out.
      closing ??= new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()))
        // Keep-alive sockets would hold close() open; slow responses would hold timers.
        for (const done of [...waits]) done()
        server.closeAllConnections()
      })
      return closing
    },
  }
}

function send(res: ServerResponse, method: string, page: SiteResponse, headers: Record<string, string>): [number, number] {
  res.writeHead(page.status, { ...page.headers, ...headers, 'Content-Type': page.contentType, 'Content-Length': page.body.length })
  res.end(method === 'HEAD' ? undefined : page.body)
  return [page.status, method === 'HEAD' ? 0 : page.body.length]
}

function cacheHeaders(page: SiteResponse): Record<string, string> {
  if (page.status !== 200) return {}
  const etag = `"${createHash('sha256').update(page.body).digest('base64url').slice(0, 27)}"`
  return page.lastModified === undefined ? { ETag: etag } : { ETag: etag, 'Last-Modified': page.lastModified.toUTCString() }
}

function matchesEtag(header: string | undefined, etag: string | undefined): boolean {
  if (header === undefined || etag === undefined) return false
  return header.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '')
    return t === '*' || t === etag
  })
}

function errorPage(status: number): SiteResponse {
  return { status, contentType: 'text/html; charset=utf-8', body: Buffer.from(`<html><body><h1>error ${status}</h1></body></html>\n`) }
}

function checkStep(site: ReplicaSite, step: number): void {
  if (!Number.isInteger(step) || step < 0 || step > site.lastStep) throw new RangeError(`replica step ${step}: choose 0..${site.lastStep}`)
}
