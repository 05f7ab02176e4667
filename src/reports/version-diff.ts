// The differences between two stored versions of an entry, as FieldChanges. Pure; the
// versions are normalized already (the page-storing job stores them so).
import type { FieldChange } from '../../domain/change.ts'
import type { VersionField, VersionFields } from '../../domain/versioning.ts'

const SCALAR_FIELDS = ['url', 'title', 'type', 'date', 'endDate', 'documentType', 'summary', 'summaryTruncated'] as const satisfies readonly VersionField[]

/** Fields in a fixed order; themes as sorted sets with what was added and removed. */
export function compareVersions(before: VersionFields, after: VersionFields): FieldChange[] {
  const changes: FieldChange[] = []
  for (const field of SCALAR_FIELDS) {
    if (before[field] !== after[field]) changes.push({ field, before: before[field], after: after[field] })
  }
  const added = after.themes.filter((t) => !before.themes.includes(t))
  const removed = before.themes.filter((t) => !after.themes.includes(t))
  if (added.length > 0 || removed.length > 0) {
    // keep the reading order of a listing: themes before the summary
    const at = changes.findIndex((c) => c.field === 'summary' || c.field === 'summaryTruncated')
    const change: FieldChange = { field: 'themes', before: [...before.themes], after: [...after.themes], added, removed }
    changes.splice(at === -1 ? changes.length : at, 0, change)
  }
  return changes
}
