// Which faults hit a request. Each fault counts the requests it affected; `times` caps it.
import type { Fault } from './types.ts'

export interface FaultDecision {
  /** Total delay of the matching `slow` faults. */
  delayMs: number
  /** The first matching fault that changes the response, if any. */
  action: Exclude<Fault, { kind: 'slow' }> | null
}

export class FaultBook {
  private readonly left: number[]

  constructor(private readonly faults: readonly Fault[]) {
    for (const f of faults) validateFault(f)
    this.left = faults.map((f) => f.times ?? Number.POSITIVE_INFINITY)
  }

  /** Decide for one request and count it against the faults that hit it. */
  take(rawPath: string, isListing: boolean): FaultDecision {
    const decision: FaultDecision = { delayMs: 0, action: null }
    this.faults.forEach((fault, i) => {
      if ((this.left[i] ?? 0) <= 0 || !hits(fault, rawPath, isListing)) return
      if (fault.kind === 'slow') decision.delayMs += fault.delayMs
      else if (decision.action === null) decision.action = fault
      else return
      this.left[i] = (this.left[i] ?? 0) - 1
    })
    return decision
  }
}

function hits(fault: Fault, rawPath: string, isListing: boolean): boolean {
  // robots.txt is only ever faulted on purpose: a crawler that cannot read it must stop.
  if (rawPath.startsWith('/robots.txt')) return fault.match !== undefined && fault.match.includes('robots')
  return fault.match === undefined ? isListing : rawPath.includes(fault.match)
}

function validateFault(f: Fault): void {
  const bad = (why: string) => new RangeError(`replica fault ${JSON.stringify(f)}: ${why}`)
  if (f.times !== undefined && (!Number.isInteger(f.times) || f.times < 0)) throw bad('times must be a whole number >= 0')
  if (f.kind === 'status' && (!Number.isInteger(f.status) || f.status < 400 || f.status > 599)) throw bad('status must be 400..599')
  if (f.kind === 'rate-limit' && !(f.retryAfterSeconds >= 0)) throw bad('retryAfterSeconds must be >= 0')
  if (f.kind === 'slow' && !(f.delayMs >= 0)) throw bad('delayMs must be >= 0')
  if (f.kind === 'replace' && (!Number.isInteger(f.status) || f.status < 100 || f.status > 599)) throw bad('status must be 100..599')
  if (f.kind === 'oversize' && (!Number.isInteger(f.bytes) || f.bytes < 1)) throw bad('bytes must be a whole number >= 1')
  if (f.kind === 'endless-index' && f.cycle !== undefined && (!Number.isInteger(f.cycle) || f.cycle < 1)) throw bad('cycle must be a whole number >= 1')
}

/** A CDX JSON answer's rows with the resume key `endless-<answer>` in place of its own (modulo `cycle`); a header row if it had none. */
export function endlessIndexBody(body: Buffer, answer: number, cycle: number | undefined): Buffer {
  const rows = JSON.parse(body.toString('utf8')) as unknown[][]
  const gap = rows.findIndex((row) => row.length === 0)
  const kept = gap < 0 ? rows : rows.slice(0, gap)
  const withHeader = kept.length === 0 ? [['urlkey', 'timestamp', 'original', 'mimetype', 'statuscode', 'digest', 'length']] : kept
  return Buffer.from(JSON.stringify([...withHeader, [], [`endless-${cycle === undefined ? answer : answer % cycle}`]]))
}

/** An HTML page of exactly `bytes` bytes (padding in a comment). */
export function oversizeBody(bytes: number): Buffer {
  const head = Buffer.from('<!DOCTYPE html><html><head><title>big</title></head><body><!--')
  const tail = Buffer.from('--></body></html>\n')
  if (bytes <= head.length + tail.length) return Buffer.alloc(bytes, 0x20)
  const body = Buffer.alloc(bytes, 0x78)
  head.copy(body, 0)
  tail.copy(body, bytes - tail.length)
  return body
}
