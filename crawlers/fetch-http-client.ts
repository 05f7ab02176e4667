import { Readable, Transform } from 'node:stream'
import type { ReadableStream } from 'node:stream/web'
import type { RequestLimiter } from './host-limiter.ts'

/** Where a redirect may lead: the URL to fetch next, or why not. A request carries it as `context.redirect`. */
export type RedirectDecision = (location: string) => Promise<{ url: string } | { refusal: string }>

export interface FetchClientSettings {
  maxResponseBytes: number
  /** Each request (each redirect hop) is over this long after it starts: headers and body. */
  timeoutSeconds: number
  limiter: RequestLimiter
}

/** One request to send: the URL to fetch, its headers, and how its redirects are judged. */
export interface PageRequestOptions {
  url: string
  method?: string
  headers?: Record<string, string>
  /** false: a redirect is the answer (its status, and its Location in the headers). */
  followRedirect?: boolean
  /** Where each redirect may lead; without it, the same host only. */
  redirect?: RedirectDecision
  signal?: AbortSignal
}

/** An answer whose body is still to be read, from `stream` (capped at maxResponseBytes). */
export interface StreamedResponse {
  /** The URL that answered, after redirects. */
  url: string
  statusCode: number
  statusMessage: string
  headers: Record<string, string>
  redirectUrls: URL[]
  stream: Transform
}

/** An answer that is final, not worth another try: a redirect refused or in circles, a body over the cap. */
export class RefusedAnswer extends Error {
  override readonly name = 'RefusedAnswer'
}

export const MAX_REDIRECTS = 10

/** A response's whole body (as far as its cap lets it be read). */
export async function readBody(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

/**
 * The HTTP client of every crawl over HTTP, on Node's own fetch (undici): keep-alive connections, no browser
 * impersonation (we announce ourselves). Every request waits for its host's turn (perHostDelaySeconds),
 * owns a timer that ends it, headers and body, at timeoutSeconds (an AbortSignal.any with a timeout
 * signal may be collected before it fires: nodejs/node#57736), and has its body capped while read,
 * decompressed, so neither a chunked body nor a compression bomb passes the cap; a body over the cap
 * is not retried. Redirects are followed one hop at a time, each hop asked of the request's decision.
 */
export class FetchHttpClient {
  constructor(private readonly settings: FetchClientSettings) {}

  async stream(request: PageRequestOptions): Promise<StreamedResponse> {
    const decide = redirectDecisionOf(request)
    const redirectUrls: URL[] = []
    let url = String(request.url)
    for (;;) {
      const started = await this.start(url, request)
      const location = started.response.headers.get('location')
      if (!REDIRECT_STATUSES.has(started.response.status) || location === null || request.followRedirect === false) {
        return this.streamed(started, redirectUrls)
      }
      started.discard()
      if (redirectUrls.length >= MAX_REDIRECTS) throw new RefusedAnswer(`more than ${MAX_REDIRECTS} redirects`)
      const next = await decide(location, url)
      if ('refusal' in next) throw new RefusedAnswer(next.refusal)
      url = next.url
      redirectUrls.push(new URL(url))
    }
  }

  /** One request, its timer running from its start (after its host's turn) to the end of its body. */
  private async start(url: string, request: PageRequestOptions): Promise<Started> {
    await this.settings.limiter.turn(url)
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(new Error(`no complete answer within ${this.settings.timeoutSeconds} s`)), this.settings.timeoutSeconds * 1000)
    // a refused body nobody reads any more is ended by its timer, which must not hold the process open
    timer.unref()
    const cancel = () => controller.abort(request.signal?.reason)
    request.signal?.addEventListener('abort', cancel, { once: true })
    const settle = () => {
      clearTimeout(timer)
      request.signal?.removeEventListener('abort', cancel)
    }
    try {
      const response = await fetch(url, {
        method: request.method?.toUpperCase() ?? 'GET',
        headers: request.headers ?? {},
        redirect: 'manual',
        signal: controller.signal,
      })
      return {
        response,
        controller,
        settle,
        discard() {
          settle()
          void response.body?.cancel().catch(() => undefined)
        },
      }
    } catch (error) {
      settle()
      throw controller.signal.aborted && controller.signal.reason instanceof Error ? controller.signal.reason : error
    }
  }

  private streamed({ response, controller, settle }: Started, redirectUrls: URL[]): StreamedResponse {
    let transferred = 0
    const limit = this.settings.maxResponseBytes
    const capped = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        transferred += chunk.length
        if (transferred > limit) done(new RefusedAnswer(`response exceeds the limit of ${limit} bytes`))
        else done(null, chunk)
      },
    })
    const body = response.body ? Readable.fromWeb(response.body as ReadableStream<Uint8Array>) : Readable.from([])
    body.on('error', (error) => capped.destroy(error))
    // a body refused before it is read (a declared size over the cap) may fail later, when no one
    // reads it any more: that must not be an unhandled 'error' event that ends the process
    capped.on('error', () => undefined)
    capped.on('close', () => {
      settle()
      // refused or given up before its end: stop the download too
      if (!body.readableEnded) controller.abort(new Error('body not read to its end'))
    })
    body.pipe(capped)
    return { url: response.url, statusCode: response.status, statusMessage: response.statusText, headers: Object.fromEntries(response.headers), redirectUrls, stream: capped }
  }
}

interface Started {
  response: Response
  controller: AbortController
  /** Stops the timer: the request is over. */
  settle(): void
  /** Ends a response whose body is not wanted (a redirect's). */
  discard(): void
}

/** The request's own decision, else: the same host only. */
function redirectDecisionOf(request: PageRequestOptions): (location: string, from: string) => ReturnType<RedirectDecision> {
  const own = request.redirect
  if (own !== undefined) return (location) => own(location)
  return async (location, from) => {
    const next = new URL(location, from)
    return next.host === new URL(from).host ? { url: next.href } : { refusal: `redirect to ${next.href} refused: another host` }
  }
}
