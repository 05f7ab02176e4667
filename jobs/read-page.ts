// Reading a stored raw page: its bytes decoded as a browser would, the profile's parser, the
// parser health check. Pure: what it reads is exactly what the page's record keeps.
import type { FetchedPage } from '../crawlers/listing-crawl.ts'
import type { ListingPage, SiteProfile } from '../domain/entry.ts'
import { LayoutError } from '../domain/errors.ts'
import { pageHealthProblem, type ListingBaseline } from '../domain/health.ts'
import type { PageOutcome } from '../domain/page-outcome.ts'
import { decodePage } from '../parsers/decode-page.ts'

/** A page as stored: its bytes and the headers it came with. */
export interface RawPage {
  canonicalUrl: string
  body: Buffer
  headers: Record<string, string>
  /** The charset the fetcher knows the bytes are in (a rendered page is UTF-8); null: sniff it. */
  knownCharset: string | null
  /** What the fetcher saw that may explain a page without entries; added to a layout error. */
  notice: string | null
}

export interface ReadPage {
  outcome: PageOutcome
  /** The charset the body was decoded with. */
  charset: string
}

/** Decodes and parses a raw page, then checks it against what this listing's pages usually look like. */
export function readListingPage(profile: SiteProfile, raw: RawPage, baseline: ListingBaseline | null): ReadPage {
  const declared = raw.knownCharset === null ? (raw.headers['content-type'] ?? null) : `text/html; charset=${raw.knownCharset}`
  const { html, charset } = decodePage(raw.body, declared)
  let page
  try {
    page = profile.parseListing(html, raw.canonicalUrl)
  } catch (error) {
    if (error instanceof LayoutError) return { outcome: { kind: 'layout-error', reason: raw.notice ? `${error.message} (${raw.notice})` : error.message }, charset }
    throw error
  }
  return { outcome: judgedPage(page, baseline), charset }
}

/** A parsed page checked against what this listing's pages usually look like. */
export function judgedPage(page: ListingPage, baseline: ListingBaseline | null): PageOutcome {
  const problem = pageHealthProblem(page.entries, page.nextPage === null, baseline)
  return problem ? { kind: 'health-failed', page, problem } : { kind: 'fetched', page }
}

/** What became of a fetched page: a failed fetch as such, else its bytes read as above. */
export function readFetchedPage(fetched: FetchedPage, baseline: ListingBaseline | null): { outcome: PageOutcome; charset: string | null } {
  const raw = rawPageOf(fetched)
  if (raw === null) return { outcome: { kind: 'fetch-failed', reason: fetched.failure ?? 'no body' }, charset: null }
  return readListingPage(fetched.target.profile, raw, baseline)
}

/** The raw page to read of a fetch; null for a fetch that failed. */
export function rawPageOf(fetched: FetchedPage): RawPage | null {
  if (fetched.failure !== null || fetched.body === null) return null
  return { canonicalUrl: fetched.canonicalUrl, body: fetched.body, headers: fetched.headers, knownCharset: fetched.charset, notice: fetched.notice }
}
