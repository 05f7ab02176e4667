// How field names and values read in a report; shared by every renderer. Pure.
import type { EntrySnapshot, FieldChange } from '../../domain/change.ts'
import type { ChangedField } from '../../domain/versioning.ts'
import type { ReportRun } from '../../domain/change-report.ts'
import { siteLine } from './site-text.ts'

const LABELS: Record<ChangedField, string> = {
  url: 'link',
  title: 'title',
  type: 'type',
  date: 'date',
  endDate: 'end date',
  themes: 'themes',
  summary: 'summary',
  documentType: 'document type',
}

export function fieldLabel(field: ChangedField): string {
  return LABELS[field]
}

/** A before/after value as plain text: null reads "(none)", a list is comma-separated. */
export function formatValue(value: FieldChange['before']): string {
  if (value === null) return '(none)'
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.join(', ')
  return value
}

/** Themes added and removed: from the event when given, else from the two lists. */
export function themeDelta(change: FieldChange): { added: string[]; removed: string[] } {
  const before = Array.isArray(change.before) ? change.before : []
  const after = Array.isArray(change.after) ? change.after : []
  return {
    added: change.added ?? after.filter((t) => !before.includes(t)),
    removed: change.removed ?? before.filter((t) => !after.includes(t)),
  }
}

/** A text value or null: the summary diff works on strings only. */
export function textOf(value: FieldChange['before']): string | null {
  return typeof value === 'string' ? value : null
}

/** "2019-10-23" or "2019-10-23 – 2019-10-25"; null when the entry shows no date. */
export function dateRange(entry: Pick<EntrySnapshot, 'date' | 'endDate'>): string | null {
  if (entry.date === null && entry.endDate === null) return null
  return entry.endDate === null ? (entry.date ?? '') : `${entry.date ?? '?'} – ${entry.endDate}`
}

/** "2026-11-26 12:00 UTC": short, unambiguous, independent of the machine's time zone. */
export function formatTime(time: Date): string {
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** The URL when it is an absolute http(s) URL, else null: no javascript:, data: or file: link leaves a report. */
export function webUrl(url: string): string | null {
  if (!/^https?:\/\//i.test(url)) return null
  try {
    return new URL(url).href
  } catch {
    return null
  }
}

/** Which listings a run read incrementally, and since when their deeper pages wait for a full crawl. */
export function incrementalLines(run: Pick<ReportRun, 'incremental'>): string[] {
  return (run.incremental ?? []).map(
    ({ source, lastFullAt }) =>
      `${siteLine(source)}: incremental (read up to a page with nothing new; deeper changes and removals wait for the next full crawl), last full crawl ${lastFullAt === null ? 'never' : formatTime(lastFullAt)}`,
  )
}
