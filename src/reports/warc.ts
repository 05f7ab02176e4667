// Stored page fetches as WARC 1.1 records, by warcio (Webrecorder's library): a warcinfo record
// (its block digest included), then per fetch (listing page, entry page, page asked before a
// removal) a request and a response record, or a revisit record (identical payload
// digest) when the same body was written earlier in the file. Records come out one fetch at a
// time, so a file of any size is written in constant memory.
//
// What eurowatch stored is what the crawler read: the body after HTTP's transfer and content
// codings were undone, and the response headers (names in lower case). So that the record
// reads back as the bytes it holds, Content-Encoding and Transfer-Encoding are kept as
// X-Archive-Orig-Content-Encoding / -Transfer-Encoding, and a Content-Length that is not the
// stored body's length as X-Archive-Orig-Content-Length beside the true one. Request headers
// were not stored: the request record has the method, the path and Host. Details in docs/export.md.
import { createHash, randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import { WARC_1_1, WARCRecord, WARCSerializer } from 'warcio'
import type { PageCapture, StoredFetch } from '../../domain/archive.ts'

export interface WarcOptions {
  /** Each record gzip-compressed on its own (a .warc.gz), as archives keep them. */
  gzip: boolean
  /** The file's name for the warcinfo record; null when written to standard output. */
  filename: string | null
  /** Fields of the warcinfo record besides software and format (what was exported). */
  info: Record<string, string>
}

const ARCHIVED = new Set(['content-encoding', 'transfer-encoding'])

export class WarcWriter {
  private readonly infoId = recordId()
  /** The response record of each body's first capture, by fetch (kind and id): what a revisit refers to. */
  private readonly firstRecords = new Map<string, string>()

  constructor(private readonly options: WarcOptions) {}

  async warcinfo(): Promise<Uint8Array[]> {
    const fields = { software: 'eurowatch 0.1.0 (warcio.js)', format: 'WARC File Format 1.1', conformsTo: 'https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/', ...this.options.info }
    // built here rather than by warcio's createWARCInfo, which leaves a warcinfo record without its digest
    const block = new TextEncoder().encode(Object.entries(fields).map(([name, value]) => `${name}: ${value}\r\n`).join(''))
    const record = WARCRecord.create({ type: 'warcinfo', filename: this.options.filename ?? '', warcVersion: WARC_1_1, warcHeaders: { 'WARC-Record-ID': this.infoId } }, [block])
    return this.serialize(record, block)
  }

  /** The request record, then the response (or revisit) record, of one fetch, as the chunks to write in order. */
  async records(capture: PageCapture): Promise<Uint8Array[]> {
    const { fetch } = capture
    const responseId = recordId()
    // a backfilled page: WARC-Date is the archive's capture time, and the record names the capture it was read from
    const source: Record<string, string> = fetch.sourceUri === null ? {} : { 'WARC-Source-URI': fetch.sourceUri }
    const date = fetch.fetchedAt.toISOString()
    const common = { url: fetch.url, date, warcVersion: WARC_1_1 } as const
    const target = new URL(fetch.url)
    const request = WARCRecord.create({
      ...common,
      type: 'request',
      statusline: `GET ${target.pathname}${target.search} HTTP/1.1`,
      httpHeaders: { host: target.host },
      warcHeaders: { 'WARC-Record-ID': recordId(), 'WARC-Concurrent-To': responseId, 'WARC-Warcinfo-ID': this.infoId },
    })
    const chunks = await this.serialize(request)

    const statusline = `HTTP/1.1 ${fetch.status} ${STATUS_CODES[fetch.status] ?? ''}`.trimEnd()
    if (capture.kind === 'revisit') {
      const refersTo = this.firstRecords.get(fetchKey(capture.of.fetch))
      if (refersTo === undefined) throw new Error(`revisit of ${capture.of.fetch.kind} fetch ${capture.of.fetch.id}, which this file has not written`)
      const revisit = WARCRecord.create({
        ...common,
        type: 'revisit',
        statusline,
        httpHeaders: archivedHeaders(fetch),
        refersToUrl: capture.of.url,
        refersToDate: capture.of.fetchedAt.toISOString(),
        warcHeaders: { 'WARC-Record-ID': responseId, 'WARC-Refers-To': refersTo, 'WARC-Payload-Digest': `sha256:${capture.of.sha256}`, 'WARC-Warcinfo-ID': this.infoId, ...source },
      })
      chunks.push(...(await this.serialize(revisit)))
      return chunks
    }
    if (capture.kind === 'body') this.firstRecords.set(fetchKey(fetch), responseId)
    const response = WARCRecord.create(
      { ...common, type: 'response', statusline, httpHeaders: archivedHeaders(fetch), warcHeaders: { 'WARC-Record-ID': responseId, 'WARC-Warcinfo-ID': this.infoId, ...source } },
      capture.kind === 'body' ? [capture.body] : [],
    )
    // a body's address is its sha256, checked when it was read (jobs/export.ts): the payload digest
    chunks.push(...(await this.serialize(response, capture.kind === 'body' ? capture.body : EMPTY, capture.kind === 'body' ? fetch.sha256 : null)))
    return chunks
  }

  private async serialize(record: WARCRecord, payload: Uint8Array = EMPTY, payloadSha256: string | null = null): Promise<Uint8Array[]> {
    digest(record, payload, payloadSha256)
    const chunks: Uint8Array[] = []
    for await (const chunk of new WARCSerializer(record, { gzip: this.options.gzip })) chunks.push(chunk)
    return chunks
  }
}

const EMPTY = new Uint8Array(0)

/**
 * Sets the record's digests with Node's sha256 (OpenSSL) before warcio serializes it: warcio
 * would make two WebAssembly hashers per record, which costs more than the rest of the record
 * (measured: 1.3 ms a page, against 0.13). The block is the HTTP head as warcio writes it (its
 * own serialization, then the blank line) and the payload; tests/jobs/archive.test.ts reads
 * every digest back against the bytes written.
 */
function digest(record: WARCRecord, payload: Uint8Array, payloadSha256: string | null): void {
  const block = createHash('sha256')
  if (record.httpHeaders !== null) block.update(`${record.httpHeaders.toString()}\r\n`)
  block.update(payload)
  record.warcHeaders.headers.set('WARC-Block-Digest', `sha256:${block.digest('hex')}`)
  // a revisit's payload is elsewhere; a warcinfo record has no HTTP payload, its block is its fields
  if (record.warcType === 'revisit' || record.warcType === 'warcinfo') return
  const payloadDigest = payloadSha256 ?? createHash('sha256').update(payload).digest('hex')
  record.warcHeaders.headers.set('WARC-Payload-Digest', `sha256:${payloadDigest}`)
}

/** The stored response headers, made true of the stored body (see the top of this file). */
export function archivedHeaders(fetch: Pick<StoredFetch, 'headers' | 'bodySize'>): [string, string][] {
  const length = String(fetch.bodySize ?? 0)
  const headers: [string, string][] = []
  for (const [name, value] of Object.entries(fetch.headers)) {
    const lower = name.toLowerCase()
    if (ARCHIVED.has(lower) || (lower === 'content-length' && value.trim() !== length)) headers.push([`x-archive-orig-${lower}`, value])
    else if (lower !== 'content-length') headers.push([name, value])
  }
  headers.push(['content-length', length])
  return headers
}

function fetchKey(fetch: Pick<StoredFetch, 'kind' | 'id'>): string {
  return `${fetch.kind}:${fetch.id}`
}

function recordId(): string {
  return `<urn:uuid:${randomUUID()}>`
}
