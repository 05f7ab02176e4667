// The ISO-8859-1 listing as an end-to-end test sees it: where it is and, computed from the
// dataset, what the legacy parser must read from it once its bytes are decoded as a browser would.
import { detailPath, LEGACY_ORIGIN } from './model.ts'
import { listingEntries } from './dataset.ts'
import { entriesAt } from './timeline.ts'
import { LEGACY_LISTINGS, listingPagePath, MIGRATION_INTEGRATION, PAGE_SIZE } from './listings.ts'
import { htmlContentType } from './encoding.ts'
import { textOf } from './migration.ts'

/** An entry exactly as `eurocitiesLegacy.parseListing` reports it (a `ParsedEntry`), parsed at the page's canonical URL. */
export interface ExpectedLegacyEntry {
  key: string
  url: string
  title: string
  type: string | null
  date: string
  endDate: string | null
  themes: string[]
  summary: string | null
  summaryTruncated: boolean
  documentType: string | null
}

export interface Latin1Listing {
  /** Page-1 path on the replica. */
  path: string
  /** Canonical URL of page 1 (`http://www.eurocities.eu/...`, a replica host): what a source names. */
  url: string
  /** Canonical URLs of every page, page 1 first. */
  pageUrls: string[]
  /** The Content-Type header of its pages. */
  contentType: string
  /** Every entry in listing order, across pages; accents and typographic quotes as characters. */
  entries: ExpectedLegacyEntry[]
}

/** The migration & integration issue, served in ISO-8859-1 (windows-1252 bytes), at a timeline step (no step changes it). */
export function latin1Listing(step = 0): Latin1Listing {
  const listing = LEGACY_LISTINGS.find((l) => l.path === MIGRATION_INTEGRATION)
  if (listing?.charset !== 'iso-8859-1') throw new Error(`replica: ${MIGRATION_INTEGRATION} is not the ISO-8859-1 listing`)
  const entries = listingEntries(entriesAt(step).values(), listing.path)
  const pageCount = Math.ceil(entries.length / PAGE_SIZE)
  return {
    path: listing.path,
    url: LEGACY_ORIGIN + listing.path,
    pageUrls: Array.from({ length: pageCount }, (_, i) => LEGACY_ORIGIN + listingPagePath(listing, i + 1)),
    contentType: htmlContentType(listing.charset),
    entries: entries.map((e) => ({
      key: `WSPO-${e.id}`,
      url: LEGACY_ORIGIN + detailPath(e),
      title: textOf(e.titleHtml ?? ''),
      type: e.type === '' ? null : e.type,
      date: e.date,
      endDate: e.endDate,
      themes: [...e.themes].sort(),
      summary: e.summaryHtml === null ? null : textOf(e.summaryHtml),
      // An issue listing prints the whole summary.
      summaryTruncated: false,
      documentType: e.docType,
    })),
  }
}
