// When an incremental crawl stops paging a listing, and when a listing is due a full crawl.
import type { ParsedEntry } from './entry.ts'
import { decideVersion, type VersionFields } from './versioning.ts'

/** What is stored of an entry already sighted on the listing. */
export interface KnownListingEntry {
  /** Its position in the listing when last sighted there. */
  position: number
  fields: VersionFields
}

/**
 * A page brings nothing new when every entry on it is already stored, with its current version,
 * and the page lists them in the order they stood when last sighted (positions may shift as new
 * entries push them down the listing, but none overtakes another: a republished entry moved up
 * from page 5 to page 1 breaks the order, and the paging goes on). `seen` gives an entry's
 * fields as this sighting would store them (a listing's theme added).
 */
export function bringsNothingNew(entries: readonly ParsedEntry[], known: ReadonlyMap<string, KnownListingEntry>, seen: (entry: ParsedEntry, stored: VersionFields) => VersionFields): boolean {
  if (entries.length === 0) return false
  let previous = 0
  for (const entry of entries) {
    const stored = known.get(entry.key)
    if (stored === undefined || stored.position <= previous) return false
    if (decideVersion(stored.fields, seen(entry, stored.fields)).kind !== 'same') return false
    previous = stored.position
  }
  return true
}

export interface FullCrawlCadence {
  /** A full crawl every this many crawls of the listing (1: every crawl is full); null: no count limit. */
  everyRuns: number | null
  /** A full crawl when the last complete one finished longer ago than this; null: no age limit. */
  olderThanHours: number | null
}

/**
 * The cadence of a listing whose configuration sets none: incremental crawls (a few conditional
 * requests when nothing changed) between full crawls at least daily, which alone find removals and
 * changes deep in a listing (README: "Full and incremental crawls").
 */
export const DEFAULT_FULL_CRAWL: FullCrawlCadence = { everyRuns: null, olderThanHours: 24 }

/** Whether a listing's crawl now must be full: asked to, never complete before, or due by its cadence. */
export function fullCrawlDue(
  cadence: FullCrawlCadence,
  history: { lastFullAt: Date | null; crawlsSince: number },
  now: Date,
  forced: boolean,
): boolean {
  if (forced || history.lastFullAt === null) return true
  if (cadence.everyRuns !== null && history.crawlsSince + 1 >= cadence.everyRuns) return true
  return cadence.olderThanHours !== null && now.getTime() - history.lastFullAt.getTime() >= cadence.olderThanHours * 3_600_000 * (1 - AGE_MARGIN)
}

// The age is counted from when the last full crawl finished: a run scheduled at exactly that period
// (a daily cron for 24 hours) finds it a crawl's duration short of it, and would be full only every
// other time without this margin (72 minutes on a day).
const AGE_MARGIN = 0.05
