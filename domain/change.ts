import type { EntryDetail } from './detail.ts'
import type { ParsedEntry } from './entry.ts'
import type { ChangedField } from './versioning.ts'

export type ChangeKind = 'new' | 'changed' | 'removed' | 'reappeared' | 'moved'

/** One field's before and after; themes also as the sets added and removed. */
export interface FieldChange {
  field: ChangedField
  before: string | string[] | null
  after: string | string[] | null
  /** Themes only. */
  added?: string[]
  removed?: string[]
}

/** What a report shows of an entry: its version after the change (before it, for a removal). */
export type EntrySnapshot = Omit<ParsedEntry, 'summaryTruncated'>

export interface ChangeEvent {
  id: number
  runId: number
  kind: ChangeKind
  /** The listing the change was seen on (for a removal: the one it vanished from); null if none applies. */
  listing: { source: string; url: string } | null
  /** Every listing the entry was seen on in the run, with its position there (a removal: where it was last). */
  seenOn: { listing: { source: string; url: string }; position: number }[]
  /** A `new` event of its listings' first complete crawl: counted, never delivered as news. */
  baseline: boolean
  entry: EntrySnapshot
  /** What the version's own page said, when it was read (reports that load it; absent elsewhere). */
  detail?: EntryDetail | null
  /** Per-field differences, for changed and moved; empty otherwise. */
  changes: FieldChange[]
  detectedAt: Date
}

/** A listing whose pages failed the parser health check in a run: its entries are neither removed nor changed. */
export interface HealthEvent {
  id: number
  runId: number
  listing: { source: string; url: string }
  pageUrl: string | null
  problem: 'fetch-failed' | 'layout' | 'no-entries' | 'few-entries' | 'missing-field' | 'incomplete' | 'detail-layout'
  message: string
  detectedAt: Date
}
