// What the replica's web archive holds: captures of the legacy listings, a capture date per step
// of the legacy timeline (a week apart, the pages of one listing a quarter of an hour apart), with
// a gap (social-innovation was not captured at step 3) and a missing page (its page 3 at step 1).
import { LAST_STEP } from '../legacy/timeline.ts'
import { DOCUMENTS, INNOVATION, LEGACY_LISTINGS, listingPagePath, SMART_CITIES, SOCIAL_INNOVATION } from '../legacy/listings.ts'

export const ARCHIVED_HOST = 'http://www.eurocities.eu'
const FIRST_CAPTURE = Date.parse('2019-11-01T10:00:00Z')
const WEEK = 7 * 86_400_000
const PAGE_APART = 15 * 60_000
/** Pages a listing is captured to; a page past the listing's end is not captured. */
const MAX_PAGES = 4

export interface PlannedCapture {
  /** 14 digits, UTC. */
  timestamp: string
  /** The page's own URL, as archived. */
  original: string
  /** The legacy site's path it replays, and at which step of the timeline. */
  path: string
  step: number
}

/** The listings that were archived: the four the legacy configuration watches. */
export const ARCHIVED_LISTINGS = [SOCIAL_INNOVATION, INNOVATION, SMART_CITIES, DOCUMENTS]

/** Captures the archive does not have: [listing, step, page or null for every page]. */
const MISSING: [string, number, number | null][] = [
  [SOCIAL_INNOVATION, 3, null],
  [SOCIAL_INNOVATION, 1, 3],
]

/** Every planned capture, oldest first; `exists(path, step)` says whether the site had that page then. */
export function plannedCaptures(exists: (path: string, step: number) => boolean): PlannedCapture[] {
  const captures: PlannedCapture[] = []
  for (let step = 0; step <= LAST_STEP; step++) {
    for (const path of ARCHIVED_LISTINGS) {
      const listing = LEGACY_LISTINGS.find((candidate) => candidate.path === path)
      if (listing === undefined) continue
      for (let page = 1; page <= MAX_PAGES; page++) {
        const pagePath = listingPagePath(listing, page)
        if (!exists(pagePath, step)) break
        if (MISSING.some(([missing, atStep, atPage]) => missing === path && atStep === step && (atPage === null || atPage === page))) continue
        captures.push({ timestamp: timestampOf(new Date(FIRST_CAPTURE + step * WEEK + (page - 1) * PAGE_APART)), original: `${ARCHIVED_HOST}${pagePath}`, path: pagePath, step })
      }
    }
  }
  return captures.sort((a, b) => a.timestamp.localeCompare(b.timestamp))
}

export function timestampOf(at: Date): string {
  return at.toISOString().replace(/[-:T]/g, '').slice(0, 14)
}

export function dateOfTimestamp(timestamp: string): Date {
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/.exec(timestamp) ?? []
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`)
}
