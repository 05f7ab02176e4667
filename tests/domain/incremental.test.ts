import { describe, expect, it } from 'vitest'
import type { ParsedEntry } from '../../domain/entry.ts'
import { bringsNothingNew, DEFAULT_FULL_CRAWL, fullCrawlDue, type KnownListingEntry } from '../../domain/incremental.ts'
import { judgeListing } from '../../domain/listing-status.ts'
import type { ListingPageOutcome } from '../../domain/page-outcome.ts'
import { parsedEntry } from '../db/fixtures.ts'

const fieldsOf = ({ key: _key, ...fields }: ParsedEntry) => fields
const known = (entries: ParsedEntry[], positions: number[]): Map<string, KnownListingEntry> =>
  new Map(entries.map((entry, index) => [entry.key, { position: positions[index] ?? 0, fields: fieldsOf(entry) }]))
const asSeen = (entry: ParsedEntry) => fieldsOf(entry)

describe('bringsNothingNew', () => {
  const page = [1, 2, 3].map((n) => parsedEntry(n))

  it('is true for known entries with their versions, in their order, even pushed down the listing', () => {
    expect(bringsNothingNew(page, known(page, [11, 12, 13]), asSeen)).toBe(true)
    expect(bringsNothingNew(page, known(page, [1, 5, 9]), asSeen)).toBe(true)
  })

  it('is false for a new entry, a changed one, one that overtook another, or an empty page', () => {
    expect(bringsNothingNew(page, known(page.slice(1), [2, 3]), asSeen)).toBe(false)
    expect(bringsNothingNew(page, known(page, [1, 2, 3]), (entry) => ({ ...asSeen(entry), title: 'retitled' }))).toBe(false)
    // republished: the entry at 45 now comes first
    expect(bringsNothingNew(page, known(page, [45, 1, 2]), asSeen)).toBe(false)
    expect(bringsNothingNew([], new Map(), asSeen)).toBe(false)
  })
})

describe('fullCrawlDue', () => {
  const now = new Date('2026-11-28T12:00:00Z')
  const lastFullAt = new Date('2026-11-28T00:00:00Z')

  it('is due when asked, when never complete, every N crawls, and when the last full crawl is too old', () => {
    const cadence = { everyRuns: 3, olderThanHours: null }
    expect(fullCrawlDue(cadence, { lastFullAt, crawlsSince: 0 }, now, true)).toBe(true)
    expect(fullCrawlDue(cadence, { lastFullAt: null, crawlsSince: 5 }, now, false)).toBe(true)
    expect([0, 1, 2].map((crawlsSince) => fullCrawlDue(cadence, { lastFullAt, crawlsSince }, now, false))).toEqual([false, false, true])
    expect(fullCrawlDue({ everyRuns: 100, olderThanHours: 12 }, { lastFullAt, crawlsSince: 0 }, now, false)).toBe(true)
    expect(fullCrawlDue({ everyRuns: 100, olderThanHours: 13 }, { lastFullAt, crawlsSince: 0 }, now, false)).toBe(false)
    expect(fullCrawlDue({ everyRuns: 1, olderThanHours: null }, { lastFullAt, crawlsSince: 0 }, now, false)).toBe(true)
  })

  it('by default, is due only once the last full crawl is a day old, however many crawls came between', () => {
    expect(fullCrawlDue(DEFAULT_FULL_CRAWL, { lastFullAt, crawlsSince: 10_000 }, now, false)).toBe(false)
    expect(fullCrawlDue(DEFAULT_FULL_CRAWL, { lastFullAt: new Date('2026-11-27T12:00:00Z'), crawlsSince: 0 }, now, false)).toBe(true)
    expect(fullCrawlDue(DEFAULT_FULL_CRAWL, { lastFullAt: null, crawlsSince: 0 }, now, false)).toBe(true)
    // a daily run finds the last full crawl a crawl's duration short of a day old: full all the same
    expect(fullCrawlDue(DEFAULT_FULL_CRAWL, { lastFullAt: new Date('2026-11-27T12:10:00Z'), crawlsSince: 0 }, now, false)).toBe(true)
    expect(fullCrawlDue(DEFAULT_FULL_CRAWL, { lastFullAt: new Date('2026-11-27T14:00:00Z'), crawlsSince: 0 }, now, false)).toBe(false)
  })
})

describe('judgeListing of an incremental crawl', () => {
  const pages = (n: number): ListingPageOutcome[] =>
    Array.from({ length: n }, (_, index) => ({
      pageNumber: index + 1,
      canonicalUrl: `https://example.org/news?page=${index + 1}`,
      outcome: { kind: 'fetched', page: { entries: [parsedEntry(index * 2 + 1), parsedEntry(index * 2 + 2)], nextPage: `https://example.org/news?page=${index + 2}` } },
    }))

  it('calls a crawl stopped early by design incremental, never complete, and judges no listing health from it', () => {
    const baseline = { entriesPerPage: 2, entries: 100, pages: 50, presence: { title: 1, date: 1, type: 1, summary: 0 } }
    expect(judgeListing({ pages: pages(2), maxPages: 50, skipped: [], baseline, stoppedEarly: true })).toMatchObject({
      status: 'incremental',
      reason: null,
      listingProblem: null,
    })
    expect(judgeListing({ pages: pages(2), maxPages: 50, skipped: [], baseline, stoppedEarly: false }).status).toBe('partial')
  })

  it('keeps a page that failed partial, and a stop at the page limit limited', () => {
    const failed: ListingPageOutcome = { pageNumber: 3, canonicalUrl: 'https://example.org/news?page=3', outcome: { kind: 'fetch-failed', reason: 'HTTP 500' } }
    expect(judgeListing({ pages: [...pages(2), failed], maxPages: 50, skipped: [], baseline: null, stoppedEarly: true }).status).toBe('partial')
    expect(judgeListing({ pages: pages(2), maxPages: 2, skipped: [], baseline: null, stoppedEarly: true })).toMatchObject({ status: 'partial', limited: true })
  })
})
