// What makes a new entry version: pure, no I/O. Shared by the page-storing job and, through
// diffVersions (version-diff.ts), by history and (its SQL twin in db/changes.ts) the diff.
import type { ParsedEntry } from './entry.ts'
import { normalizeOptionalText, normalizeText, normalizeThemes } from './normalize.ts'

/** The versioned fields of an entry (everything a listing shows except its key). */
export type VersionFields = Omit<ParsedEntry, 'key'>
export type VersionField = keyof VersionFields
/** A field whose change is news; the truncation flag only says how the listing showed the summary. */
export type ChangedField = Exclude<VersionField, 'summaryTruncated'>

/**
 * - `first`: no stored version yet.
 * - `same`: nothing but cosmetics differ, or the listing cut a summary we hold in full.
 * - `changed`: the fields in `changed` differ; store `next`.
 * - `completed`: only the summary differs, and it is a fuller text of the stored cut one
 *   (the stored one was truncated and the new text starts with its prefix). Archival choice:
 *   we store it as a new version, since it is better text of the same entry; it is no change
 *   (DESIGN.md: a cut summary is not a change), so diffVersions reports nothing for it.
 */
export type VersionDecision =
  | { kind: 'first'; next: VersionFields }
  | { kind: 'same' }
  | { kind: 'changed'; changed: ChangedField[]; next: VersionFields }
  | { kind: 'completed'; next: VersionFields }

const PLAIN_FIELDS = ['url', 'title', 'type', 'date', 'endDate', 'documentType'] as const

export function decideVersion(stored: VersionFields | null, seen: VersionFields): VersionDecision {
  const next = normalizeVersionFields(seen)
  if (stored === null) return { kind: 'first', next }
  const old = normalizeVersionFields(stored)

  const changed: ChangedField[] = PLAIN_FIELDS.filter((field) => old[field] !== next[field])
  if (old.themes.join('\n') !== next.themes.join('\n')) changed.push('themes')

  const summary = compareSummaries(old, next)
  // A cut of the summary we hold is no news: keep the fuller stored text in any new version.
  const merged = summary === 'stored-is-fuller' ? { ...next, summary: old.summary, summaryTruncated: old.summaryTruncated } : next
  if (summary === 'different') changed.push('summary')

  if (changed.length > 0) return { kind: 'changed', changed, next: merged }
  if (summary === 'seen-is-fuller') return { kind: 'completed', next }
  return { kind: 'same' }
}

/** NFC, collapsed whitespace, empty as null, themes as a sorted set; truncation kept as given. */
export function normalizeVersionFields(fields: VersionFields): VersionFields {
  return {
    url: normalizeText(fields.url),
    title: normalizeOptionalText(fields.title),
    type: normalizeOptionalText(fields.type),
    date: normalizeOptionalText(fields.date),
    endDate: normalizeOptionalText(fields.endDate),
    themes: normalizeThemes(fields.themes),
    summary: normalizeOptionalText(fields.summary),
    summaryTruncated: fields.summaryTruncated,
    documentType: normalizeOptionalText(fields.documentType),
  }
}

type SummaryRelation = 'equal' | 'stored-is-fuller' | 'seen-is-fuller' | 'different'

/** Both arguments normalized. */
function compareSummaries(stored: VersionFields, seen: VersionFields): SummaryRelation {
  if (stored.summary === seen.summary && stored.summaryTruncated === seen.summaryTruncated) return 'equal'
  if (stored.summary === null || seen.summary === null) return 'different'
  const storedText = visibleText(stored.summary, stored.summaryTruncated)
  const seenText = visibleText(seen.summary, seen.summaryTruncated)
  if (seen.summaryTruncated && storedText.startsWith(seenText)) return 'stored-is-fuller'
  if (stored.summaryTruncated && seenText.startsWith(storedText)) return 'seen-is-fuller'
  return 'different'
}

/** The summary without the listing's "..." (or "…") when it was cut. */
function visibleText(summary: string, truncated: boolean): string {
  return truncated ? summary.replace(/\s*(\.\.\.|…)\s*$/, '').trimEnd() : summary
}
