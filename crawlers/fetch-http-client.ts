import { Readable, Transform } from 'node:stream'
import type { BaseHttpClient, HttpRequest, HttpResponse, ResponseTypes, StreamingHttpResponse } from '@crawlee/core'

/**
 * crawlee's HTTP client on Node's own fetch (undici): keep-alive connections, no browser
 * impersonation (we announce ourselves), and a hard cap on body size enforced while reading,
 * so a chunked response without Content-Length cannot exceed it either.
 */
export class FetchHttpClient implements BaseHttpClient {
  constructor(private readonly maxResponseBytes: number) {}

  async sendRequest<T extends keyof ResponseTypes = 'text'>(request: HttpRequest<T>): Promise<HttpResponse<T>> {
    const streamed = await this.stream(request as HttpRequest)
    const chunks: Buffer[] = []
    for await (const chunk of streamed.stream) chunks.push(chunk as Buffer)
    const buffer = Buffer.concat(chunks)
    const body = request.responseType === 'buffer' ? buffer : request.responseType === 'json' ? JSON.parse(buffer.toString('utf8')) : buffer.toString('utf8')
    return { ...streamed, request, body: body as ResponseTypes[T] } as HttpResponse<T>
  }

  async stream(request: HttpRequest): Promise<StreamingHttpResponse> {
    const timeout = request.timeout && 'request' in request.timeout ? request.timeout.request : undefined
    const signals = [request.signal, timeout ? AbortSignal.timeout(timeout) : undefined].filter((signal) => signal !== undefined)
    const response = await fetch(request.url, {
      method: request.method?.toUpperCase() ?? 'GET',
      headers: plainHeaders(request.headers),
      redirect: request.followRedirect === false ? 'manual' : 'follow',
      signal: signals.length ? AbortSignal.any(signals) : null,
    })
    let transferred = 0
    const declared = Number(response.headers.get('content-length') ?? 0) || undefined
    const limit = this.maxResponseBytes
    const capped = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        transferred += chunk.length
        if (transferred > limit) done(new Error(`response exceeds the limit of ${limit} bytes`))
        else done(null, chunk)
      },
    })
    const body = response.body ? Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>) : Readable.from([])
    body.on('error', (error) => capped.destroy(error))
    // a body refused before it is read (a declared size over the cap) may fail later, when no one
    // reads it any more: that must not be an unhandled 'error' event that ends the process
    capped.on('error', () => undefined)
    body.pipe(capped)
    return {
      url: response.url,
      statusCode: response.status,
      statusMessage: response.statusText,
      headers: Object.fromEntries(response.headers),
      trailers: {},
      redirectUrls: response.redirected ? [new URL(response.url)] : [],
      complete: false,
      request,
      stream: capped,
      get downloadProgress() {
        return { percent: declared ? transferred / declared : 0, transferred, total: declared }
      },
      get uploadProgress() {
        return { percent: 1, transferred: 0 }
      },
    }
  }
}

function plainHeaders(headers: HttpRequest['headers']): Record<string, string> {
  const plain: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) plain[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return plain
}
