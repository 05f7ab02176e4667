// One entry's history: its versions and the runs each was first and last seen in.
import type { EntryDetail } from './detail.ts'
import type { VersionFields } from './versioning.ts'

export interface Seen {
  runId: number
  at: Date
}

/** Where a version's fields come from: a crawl, a re-parse of the stored pages (a correction), a web-archive backfill. */
export type VersionOrigin = 'crawl' | 'reparse' | 'backfill'

/** A re-parse that corrected a version: the fields it had as recorded before. */
export interface VersionCorrection {
  at: Date
  recorded: VersionFields
}

export interface HistoryVersion {
  id: number
  fields: VersionFields
  origin: VersionOrigin
  /** Oldest first; empty for a version never corrected. */
  corrections: VersionCorrection[]
  /** The version holds for runs validFromRun <= r < validToRun (null: still open). */
  validFromRun: number
  validToRun: number | null
  validFrom: Date
  validTo: Date | null
  /** When the runs of validFromRun and validToRun started: a run is shown at one time, the one its sightings carry. */
  validFromRunAt: Date
  validToRunAt: Date | null
  /** From sightings; null if never sighted while it held (possible when it was replaced within its first run). */
  firstSeen: Seen | null
  lastSeen: Seen | null
  /** What its own page said (db: entry_detail); null when the page was not read (yet). */
  detail: EntryDetail | null
}

export interface EntryHistory {
  key: string
  firstSeenRun: number
  lastSeenRun: number
  removedAt: Date | null
  /** The moment the history is told as of (what was stored by then); null: everything stored. */
  asOf: Date | null
  /** Oldest first. */
  versions: HistoryVersion[]
}
