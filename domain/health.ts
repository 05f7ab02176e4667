import type { ParsedEntry } from './entry.ts'
import type { HealthEvent } from './change.ts'

/** What a listing usually looks like, from its last complete, healthy crawl. */
export interface ListingBaseline {
  /** Entries on its fullest page: the page size. */
  entriesPerPage: number
  /** Entries over all its pages. */
  entries: number
  /** Pages it had (with entries). */
  pages: number
  /** Share of entries that had each field (0..1). */
  presence: Record<CheckedField, number>
}

export type CheckedField = 'title' | 'date' | 'type' | 'summary'
export const CHECKED_FIELDS: readonly CheckedField[] = ['title', 'date', 'type', 'summary']

export interface HealthProblem {
  problem: HealthEvent['problem']
  message: string
}

// Below these shares of the usual, a listing has not shrunk: the parser or the site broke.
const FEW_ENTRIES_SHARE = 0.5
const USUAL_PRESENCE = 0.9
const LOST_PRESENCE = 0.5
const MIN_ENTRIES_FOR_FIELDS = 3

/** A parsed page that is not the listing's last: does it look like the pages this listing usually has? */
export function pageHealthProblem(entries: readonly ParsedEntry[], isLastPage: boolean, baseline: ListingBaseline | null): HealthProblem | null {
  if (entries.length === 0) return { problem: 'no-entries', message: 'the page answered with no entries' }
  if (baseline === null) return null
  if (!isLastPage && entries.length < baseline.entriesPerPage * FEW_ENTRIES_SHARE) {
    return { problem: 'few-entries', message: `${entries.length} entries where a page usually has ${baseline.entriesPerPage}` }
  }
  if (entries.length < MIN_ENTRIES_FOR_FIELDS) return null
  for (const field of CHECKED_FIELDS) {
    const share = entries.filter((entry) => entry[field] !== null).length / entries.length
    if (baseline.presence[field] >= USUAL_PRESENCE && share < LOST_PRESENCE) {
      return {
        problem: 'missing-field',
        message: `${field} missing on ${entries.length - Math.round(share * entries.length)} of ${entries.length} entries (usually on ${Math.round(baseline.presence[field] * 100)}%)`,
      }
    }
  }
  return null
}

/** What a listing crawled to its end looked like. */
export interface ListingShape {
  entries: number
  pages: number
  /** Entries on its last page. */
  lastPageEntries: number
}

/** The page that followed, in the listing's last complete crawl, the page it now ends on: asked again. */
export interface OldNextPage {
  url: string | null
  /** It lists entries this crawl did not see; null: it could not be asked or read now. */
  listsMore: boolean | null
}

/**
 * A last page as full as any, before the last page of its last complete crawl: a next link lost, or a
 * listing that shrank by whole pages. The page that followed in that crawl tells which (OldNextPage).
 */
export function endsEarlyOnFullPage({ pages, lastPageEntries }: ListingShape, baseline: ListingBaseline | null): boolean {
  return baseline !== null && pages < baseline.pages && lastPageEntries >= baseline.entriesPerPage
}

/** A listing crawled to its end: did the end come too early (a lost pager reads as a shorter listing)? */
export function listingHealthProblem(shape: ListingShape, baseline: ListingBaseline | null, oldNextPage: OldNextPage | null = null): HealthProblem | null {
  if (baseline === null) return null
  if (shape.entries < baseline.entries * FEW_ENTRIES_SHARE) return { problem: 'incomplete', message: `${shape.entries} entries where the listing usually has ${baseline.entries}` }
  // nothing is removed from it unless the page that followed is known to list nothing more
  if (!endsEarlyOnFullPage(shape, baseline) || oldNextPage?.listsMore === false) return null
  const message = oldNextPage?.listsMore
    ? `page ${shape.pages} is full and has no next link, but page ${shape.pages + 1} of its last complete crawl (${oldNextPage.url}) still lists entries`
    : `ended on page ${shape.pages}, full (${shape.lastPageEntries} entries), where its last complete crawl had ${baseline.pages} pages`
  return { problem: 'incomplete', message }
}
