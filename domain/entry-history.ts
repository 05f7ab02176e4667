// One entry's history: its versions and the runs each was first and last seen in.
import type { EntryDetail } from './detail.ts'
import type { VersionFields } from './versioning.ts'

export interface Seen {
  runId: number
  at: Date
}

export interface HistoryVersion {
  id: number
  fields: VersionFields
  /** The version holds for runs validFromRun <= r < validToRun (null: still open). */
  validFromRun: number
  validToRun: number | null
  validFrom: Date
  validTo: Date | null
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
