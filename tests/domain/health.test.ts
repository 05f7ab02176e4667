import { describe, expect, it } from 'vitest'
import { listingHealthProblem, pageHealthProblem, type ListingBaseline } from '../../domain/health.ts'
import { parsedEntry } from '../db/fixtures.ts'

const baseline: ListingBaseline = { entriesPerPage: 10, entries: 27, pages: 3, presence: { title: 1, date: 1, type: 0.9, summary: 0.4 } }
const page = (n: number, overrides = {}) => Array.from({ length: n }, (_, i) => parsedEntry(i + 1, overrides))

describe('pageHealthProblem', () => {
  it('passes a usual page, a short last page and any page of a listing with no history', () => {
    expect(pageHealthProblem(page(10), false, baseline)).toBeNull()
    expect(pageHealthProblem(page(7), true, baseline)).toBeNull()
    expect(pageHealthProblem(page(2), false, null)).toBeNull()
  })

  it('fails a page with no entries, even without history', () => {
    expect(pageHealthProblem([], true, null)).toMatchObject({ problem: 'no-entries' })
  })

  it('fails a middle page with far fewer entries than usual', () => {
    expect(pageHealthProblem(page(4), false, baseline)).toEqual({ problem: 'few-entries', message: '4 entries where a page usually has 10' })
    expect(pageHealthProblem(page(5), false, baseline)).toBeNull()
  })

  it('fails a page whose entries lost a field they always had, not one that was often missing', () => {
    expect(pageHealthProblem(page(10, { title: null }), false, baseline)).toEqual({
      problem: 'missing-field',
      message: 'title missing on 10 of 10 entries (usually on 100%)',
    })
    expect(pageHealthProblem(page(10, { summary: null }), false, baseline)).toBeNull()
    expect(pageHealthProblem(page(10, { date: null }).map((e, i) => (i < 5 ? { ...e, date: '2019-10-01' } : e)), false, baseline)).toBeNull()
  })
})

describe('listingHealthProblem', () => {
  it('fails a listing that ends at less than half its usual size', () => {
    expect(listingHealthProblem({ entries: 10, pages: 1, lastPageEntries: 10 }, baseline)).toEqual({ problem: 'incomplete', message: '10 entries where the listing usually has 27' })
    expect(listingHealthProblem({ entries: 14, pages: 2, lastPageEntries: 4 }, baseline)).toBeNull()
    expect(listingHealthProblem({ entries: 1, pages: 1, lastPageEntries: 1 }, null)).toBeNull()
  })

  it('fails a listing that ends on a full page before the last page of its last complete crawl, unless the page that followed lists nothing more', () => {
    const fivePages = { ...baseline, entries: 50, pages: 5 }
    const lost = { entries: 40, pages: 4, lastPageEntries: 10 }
    expect(listingHealthProblem(lost, fivePages)).toEqual({
      problem: 'incomplete',
      message: 'ended on page 4, full (10 entries), where its last complete crawl had 5 pages',
    })
    expect(listingHealthProblem(lost, fivePages, { url: 'https://example.org/news?page=5', listsMore: true })).toEqual({
      problem: 'incomplete',
      message: 'page 4 is full and has no next link, but page 5 of its last complete crawl (https://example.org/news?page=5) still lists entries',
    })
    expect(listingHealthProblem(lost, fivePages, { url: 'https://example.org/news?page=5', listsMore: null })?.problem).toBe('incomplete')
    // it shrank by a whole page: the page that followed is gone
    expect(listingHealthProblem(lost, fivePages, { url: 'https://example.org/news?page=5', listsMore: false })).toBeNull()
    // it shrank: a last page that is not full is the end
    expect(listingHealthProblem({ entries: 38, pages: 4, lastPageEntries: 8 }, fivePages)).toBeNull()
    // it grew, or kept its pages
    expect(listingHealthProblem({ entries: 50, pages: 5, lastPageEntries: 10 }, fivePages)).toBeNull()
  })
})
