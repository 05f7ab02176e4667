// A web archive in the Wayback Machine's shapes: its CDX index of captures, read a page at a time
// (limit + showResumeKey), and each capture's original bytes (the `id_` form of its URL), asked
// politely: one request at a time, a pause per host, a timeout and a size cap. Nothing is followed:
// a redirect (the archive pointing to another capture) is an answer of its own. The index is read
// to at most MAX_CDX_PAGES pages, and a resume key given twice is a loop: either ends the reading.
import { z } from 'zod'
import { describeNetworkError } from './fetch-failure.ts'
import { HostLimiter } from './host-limiter.ts'

export interface ArchiveSettings {
  /** The archive's base URL, e.g. https://web.archive.org. */
  archiveUrl: string
  userAgent: string
  perHostDelaySeconds: number
  timeoutSeconds: number
  maxResponseBytes: number
  /** CDX rows asked per request. */
  cdxPageSize?: number
  /** CDX pages read for one listing at most (default MAX_CDX_PAGES). */
  maxCdxPages?: number
}

export interface CdxCapture {
  /** 14 digits, UTC. */
  timestamp: string
  at: Date
  original: string
  statusCode: string
  digest: string
}

/** The archive answered something that cannot be trusted: told as a health event, nothing recorded from it. */
export class ArchiveAnswerError extends Error {}

/** The archive gave no answer at all: refused, unresolvable, timed out. */
export class ArchiveUnreachableError extends ArchiveAnswerError {}

/** The archive's index did not end within the bound, or came back to a page it gave before. */
export class ArchiveLoopError extends ArchiveAnswerError {}

/**
 * CDX pages read for one listing at most: a million captures at the default page size, far more than
 * any listing has; an index that goes on past it is not ending.
 */
export const MAX_CDX_PAGES = 1000
const DEFAULT_CDX_PAGE_SIZE = 1000

export type CaptureAnswer =
  | { kind: 'capture'; status: number; headers: Record<string, string>; body: Buffer; durationMs: number }
  /** Not the page asked for: a redirect, an error status, or a capture of another URL. */
  | { kind: 'refused'; status: number | null; headers: Record<string, string> | null; reason: string; durationMs: number }

const RETRIES = 2
const CdxAnswer = z.array(z.array(z.string()))
const NEEDED = ['timestamp', 'original', 'statuscode', 'digest'] as const

export class WaybackArchive {
  private readonly limiter: HostLimiter
  /** Requests made, CDX and captures. */
  requests = 0

  constructor(private readonly settings: ArchiveSettings) {
    this.limiter = new HostLimiter(settings.perHostDelaySeconds)
  }

  /** The URL of a capture's original bytes. */
  captureUrl(capture: Pick<CdxCapture, 'timestamp' | 'original'>): string {
    return `${this.base()}/web/${capture.timestamp}id_/${capture.original}`
  }

  /**
   * Every capture answered 200 of the URLs starting with `url`, oldest first per URL. Not collapsed by
   * digest: a capture of an unchanged page is a capture all the same, and its digest says it is unchanged.
   */
  async captures(url: string, from: string | null, to: string | null): Promise<CdxCapture[]> {
    const found: CdxCapture[] = []
    const seenKeys = new Set<string>()
    let resumeKey: string | null = null
    for (let pages = 1; ; pages++) {
      const query = new URLSearchParams({ url, matchType: 'prefix', output: 'json', filter: 'statuscode:200', limit: String(this.settings.cdxPageSize ?? DEFAULT_CDX_PAGE_SIZE), showResumeKey: 'true' })
      if (from !== null) query.set('from', from)
      if (to !== null) query.set('to', to)
      if (resumeKey !== null) query.set('resumeKey', resumeKey)
      const cdxUrl = `${this.base()}/cdx/search/cdx?${query.toString()}`
      const response = await this.get(cdxUrl)
      if (response.status !== 200) throw new ArchiveAnswerError(`the archive's CDX index answered ${response.status} for ${cdxUrl}`)
      const page = parseCdx(response.body, cdxUrl)
      found.push(...page.captures)
      if (page.resumeKey === null) return found
      if (seenKeys.has(page.resumeKey)) throw new ArchiveLoopError(`the archive's CDX index for ${url} gave a resume key it gave before (after page ${pages}): a loop, stopped`)
      const maxPages = this.settings.maxCdxPages ?? MAX_CDX_PAGES
      if (pages >= maxPages) throw new ArchiveLoopError(`the archive's CDX index for ${url} did not end within ${maxPages} pages: stopped`)
      seenKeys.add(page.resumeKey)
      resumeKey = page.resumeKey
    }
  }

  /** A capture's original bytes, or why they are not the page asked for. */
  async fetchCapture(capture: Pick<CdxCapture, 'timestamp' | 'original'>): Promise<CaptureAnswer> {
    const url = this.captureUrl(capture)
    const started = performance.now()
    let response
    try {
      response = await this.get(url)
    } catch (error) {
      return { kind: 'refused', status: null, headers: null, reason: `${url}: ${error instanceof Error ? error.message : String(error)}`, durationMs: performance.now() - started }
    }
    const durationMs = performance.now() - started
    const refused = (reason: string): CaptureAnswer => ({ kind: 'refused', status: response.status, headers: response.headers, reason: `${url}: ${reason}`, durationMs })
    if (response.status >= 300 && response.status < 400) return refused(`the archive redirected to ${response.headers.location ?? 'nowhere'} (no capture at that time)`)
    if (response.status !== 200) return refused(`the archive answered ${response.status}`)
    // the archive names the URL it captured: another page under the asked URL is not this page
    // [^<>]: each try stops at the next '<', so a hostile header of '<'s is read in linear time
    const original = /<([^<>]+)>;\s*rel="original"/.exec(response.headers.link ?? '')?.[1]
    if (original !== undefined && sameUrl(original, capture.original) === false) return refused(`a capture of another page (${original})`)
    return { kind: 'capture', status: response.status, headers: response.headers, body: response.body, durationMs }
  }

  private base(): string {
    return this.settings.archiveUrl.replace(/\/+$/, '')
  }

  /**
   * One request; a connection lost before an answer (a kept-alive socket the archive closed meanwhile)
   * is asked once more. No answer at all is an ArchiveUnreachableError, told in plain words.
   */
  private async get(url: string, attempt = 1): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    try {
      return await this.getOnce(url)
    } catch (error) {
      if (error instanceof ArchiveAnswerError) throw error
      if (attempt < RETRIES && error instanceof TypeError) return this.get(url, attempt + 1)
      throw new ArchiveUnreachableError(`the archive could not be read: ${describeNetworkError(error, url, this.settings.timeoutSeconds)}`, { cause: error })
    }
  }

  private async getOnce(url: string): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    await this.limiter.turn(url)
    this.requests += 1
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { 'user-agent': this.settings.userAgent },
      signal: AbortSignal.timeout(this.settings.timeoutSeconds * 1000),
    })
    const headers: Record<string, string> = {}
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value
    })
    const body = await readCapped(response, this.settings.maxResponseBytes, url)
    return { status: response.status, headers, body }
  }
}

async function readCapped(response: Response, maxBytes: number, url: string): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  if (response.body === null) return Buffer.alloc(0)
  for await (const chunk of response.body) {
    size += chunk.length
    if (size > maxBytes) throw new ArchiveAnswerError(`${url}: the answer is larger than ${maxBytes} bytes`)
    chunks.push(Buffer.from(chunk))
  }
  return Buffer.concat(chunks)
}

/** A CDX JSON answer: a header row, then rows; a resume key after an empty row. An empty array: no captures. */
export function parseCdx(body: Buffer, url: string): { captures: CdxCapture[]; resumeKey: string | null } {
  let json: unknown
  try {
    json = JSON.parse(body.toString('utf8'))
  } catch {
    throw new ArchiveAnswerError(`the archive's CDX answer for ${url} is not JSON`)
  }
  const parsed = CdxAnswer.safeParse(json)
  if (!parsed.success) throw new ArchiveAnswerError(`the archive's CDX answer for ${url} is not an array of rows of strings`)
  const rows = parsed.data
  if (rows.length === 0) return { captures: [], resumeKey: null }
  const [header = [], ...rest] = rows
  const columns = NEEDED.map((name) => header.indexOf(name))
  if (columns.some((index) => index < 0)) throw new ArchiveAnswerError(`the archive's CDX answer for ${url} has no ${NEEDED.filter((_, i) => (columns[i] ?? -1) < 0).join(', ')} column`)
  const gap = rest.findIndex((row) => row.length === 0)
  const data = gap < 0 ? rest : rest.slice(0, gap)
  const resume = gap < 0 ? null : (rest[gap + 1]?.[0] ?? null)
  const [timestampAt = 0, originalAt = 0, statusAt = 0, digestAt = 0] = columns
  const captures = data.map((row, index) => {
    const timestamp = row[timestampAt] ?? ''
    const at = dateOfTimestamp(timestamp)
    const original = row[originalAt] ?? ''
    if (row.length !== header.length || at === null || !/^https?:\/\//.test(original)) throw new ArchiveAnswerError(`the archive's CDX answer for ${url} has a malformed row ${index + 1}`)
    return { timestamp, at, original, statusCode: row[statusAt] ?? '', digest: row[digestAt] ?? '' }
  })
  return { captures, resumeKey: resume }
}

function dateOfTimestamp(timestamp: string): Date | null {
  const match = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/.exec(timestamp)
  if (match === null) return null
  const at = new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`)
  return Number.isNaN(at.getTime()) ? null : at
}

/** Two URLs of the same page: scheme and a leading www. aside. */
export function sameUrl(a: string, b: string): boolean {
  const key = (url: string) => url.replace(/^https?:\/\//i, '').replace(/^www\./i, '').toLowerCase()
  return key(a) === key(b)
}
