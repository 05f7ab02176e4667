// What changed between two versions of an entry, under the diff rules (DESIGN.md): the rule behind
// the history's per-version changes, which the diff applies in SQL to a whole run (db/changes.ts;
// tests/db/change-rules.test.ts holds the two together). Pure.
import type { FieldChange } from './change.ts'
import { decideVersion, normalizeVersionFields, type ChangedField, type VersionFields } from './versioning.ts'

/**
 * The fields whose normalized values differ, in the order url, title, type, date, endDate,
 * documentType, themes, summary; empty when only cosmetics differ or one summary is the
 * listing's cut of the other. The field rules are those that make a new version, so the
 * truncation flag is never a change of its own. Values are normalized; themes carry the sets
 * added and removed.
 */
export function diffVersions(before: VersionFields, after: VersionFields): FieldChange[] {
  const decision = decideVersion(before, after)
  if (decision.kind !== 'changed') return []
  const old = normalizeVersionFields(before)
  return decision.changed.map((field) => fieldChange(field, old, decision.next))
}

function fieldChange(field: ChangedField, before: VersionFields, after: VersionFields): FieldChange {
  if (field !== 'themes') return { field, before: before[field], after: after[field] }
  return {
    field,
    before: before.themes,
    after: after.themes,
    added: after.themes.filter((theme) => !before.themes.includes(theme)),
    removed: before.themes.filter((theme) => !after.themes.includes(theme)),
  }
}
