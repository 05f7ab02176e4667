// "Compare two dates" on a listing: what one as-of snapshot shows that the other does not, and
// the entries both show with different fields, under the diff rules (diffVersions). Pure: the
// reference the listing page's comparison in SQL (db/snapshot-compare.ts) is tested against.
import type { ListingSnapshot, SnapshotEntry } from './archive.ts'
import type { FieldChange } from './change.ts'
import { diffVersions } from './version-diff.ts'

export interface ChangedInSnapshot {
  key: string
  before: SnapshotEntry
  after: SnapshotEntry
  changes: FieldChange[]
}

export interface SnapshotComparison {
  /** Shown at the later date, not at the earlier one; in the later listing's order. */
  added: SnapshotEntry[]
  /** Shown at the earlier date, not at the later one; in the earlier listing's order. */
  removed: SnapshotEntry[]
  /** Shown at both with fields that differ under the diff rules; in the later listing's order. */
  changed: ChangedInSnapshot[]
  /** Shown at both with the same fields (at any position: one new entry shifts all below it). */
  unchanged: number
}

export function compareSnapshots(before: ListingSnapshot, after: ListingSnapshot): SnapshotComparison {
  const earlier = new Map(before.entries.map((entry) => [entry.key, entry]))
  const later = new Set(after.entries.map((entry) => entry.key))
  const comparison: SnapshotComparison = { added: [], removed: before.entries.filter((entry) => !later.has(entry.key)), changed: [], unchanged: 0 }
  for (const entry of after.entries) {
    const old = earlier.get(entry.key)
    if (old === undefined) {
      comparison.added.push(entry)
      continue
    }
    const changes = diffVersions(old.fields, entry.fields)
    if (changes.length > 0) comparison.changed.push({ key: entry.key, before: old, after: entry, changes })
    else comparison.unchanged += 1
  }
  return comparison
}
