// A WARC file read back record by record with warcio's own parser, every digest checked against
// the bytes the record holds: the block (HTTP headers and payload) and the payload alone.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { WARCParser } from 'warcio'

export interface ReadRecord {
  type: string
  id: string
  targetUri: string | null
  date: string
  headers: Map<string, string>
  /** The HTTP status line and headers of a request, response or revisit record; null otherwise. */
  http: { statusline: string; headers: Map<string, string> } | null
  payload: Buffer
}

/** Every record of the file; throws naming the record whose digest does not match its bytes. */
export async function readWarc(path: string): Promise<ReadRecord[]> {
  const records: ReadRecord[] = []
  for await (const record of new WARCParser(createReadStream(path), { parseHttp: false })) {
    const block = Buffer.from(await record.readFully(false))
    const headers = new Map([...record.warcHeaders.headers].map(([name, value]) => [name.toLowerCase(), value]))
    const id = headers.get('warc-record-id') ?? ''
    const type = headers.get('warc-type') ?? ''
    expectDigest(`${type} ${id} block`, headers.get('warc-block-digest'), block, false)
    const httpBlock = ['request', 'response', 'revisit'].includes(type)
    const split = httpBlock ? block.indexOf('\r\n\r\n') : -1
    if (httpBlock && split < 0) throw new Error(`${type} ${id}: no end of HTTP headers`)
    const payload = httpBlock ? block.subarray(split + 4) : block
    // a revisit's payload digest is that of the body it stands for, which it does not hold
    if (type !== 'revisit') expectDigest(`${type} ${id} payload`, headers.get('warc-payload-digest'), payload, type === 'warcinfo')
    if (Number(headers.get('content-length')) !== block.length) throw new Error(`${type} ${id}: Content-Length ${headers.get('content-length')} for ${block.length} bytes`)
    records.push({ type, id, targetUri: headers.get('warc-target-uri') ?? null, date: headers.get('warc-date') ?? '', headers, http: httpBlock ? parseHttp(block.subarray(0, split).toString('utf8')) : null, payload })
  }
  return records
}

function expectDigest(what: string, digest: string | undefined, bytes: Buffer, optional: boolean): void {
  if (digest === undefined) {
    if (optional) return
    throw new Error(`${what}: no digest`)
  }
  const [algorithm, value] = digest.split(':')
  if (algorithm !== 'sha256') throw new Error(`${what}: digest ${digest} is not sha256`)
  const actual = createHash('sha256').update(bytes).digest('hex')
  if (actual !== value) throw new Error(`${what}: digest ${digest}, bytes hash to ${actual}`)
}

function parseHttp(text: string): { statusline: string; headers: Map<string, string> } {
  const [statusline = '', ...lines] = text.split('\r\n')
  return { statusline, headers: new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()])) }
}
