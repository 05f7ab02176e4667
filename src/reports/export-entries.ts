// Entries with every version, as JSON Lines (one entry a line) or CSV (one version a row). The
// shapes are stable and documented in docs/export.md; text is as stored, not escaped. Pure.
import type { ExportedEntry } from '../../domain/archive.ts'
import type { EntryDetail } from '../../domain/detail.ts'
import { csvLines, versionCells, versionJson, VERSION_COLUMNS, type VersionJson } from './archive-fields.ts'

export interface EntryJson {
  key: string
  firstSeenRun: number
  lastSeenRun: number
  removed: { runId: number; at: string } | null
  listings: { source: string; url: string; firstSeenRun: number; lastSeenRun: number; lastPosition: number }[]
  /** `detail`: what the version's own page said (JSON Lines only; the CSV keeps the listing's fields). */
  versions: (VersionJson & { origin: ExportedEntry['versions'][number]['origin']; correctedAt: string | null; detail: EntryDetail | null })[]
}

export function toEntryJson(entry: ExportedEntry): EntryJson {
  return {
    key: entry.key,
    firstSeenRun: entry.firstSeenRun,
    lastSeenRun: entry.lastSeenRun,
    removed: entry.removed === null ? null : { runId: entry.removed.runId, at: entry.removed.at.toISOString() },
    listings: entry.listings.map((listing) => ({ ...listing })),
    versions: entry.versions.map((version) => ({ ...versionJson(version.fields, version.validity), origin: version.origin, correctedAt: version.correctedAt?.toISOString() ?? null, detail: version.detail })),
  }
}

/** One line of JSON Lines: JSON escapes line breaks inside strings, so an entry never spans two lines. */
export function entryJsonLine(entry: ExportedEntry): string {
  return `${JSON.stringify(toEntryJson(entry))}\n`
}

export const ENTRY_CSV_HEADER = ['key', 'version', ...VERSION_COLUMNS, 'first_seen_run', 'last_seen_run', 'removed_run', 'removed_at', 'listings', 'origin', 'corrected_at'] as const

export function entryCsvHeader(): string {
  return csvLines([[...ENTRY_CSV_HEADER]])
}

/** One row per version, oldest first; the entry's own columns repeated on each. */
export function entryCsvRows(entry: ExportedEntry): string {
  const json = toEntryJson(entry)
  const listings = json.listings.map((listing) => listing.source).join('; ')
  return csvLines(
    json.versions.map((version, index) => [
      json.key, index + 1, ...versionCells(version), json.firstSeenRun, json.lastSeenRun, json.removed?.runId ?? null, json.removed?.at ?? null, listings, version.origin, version.correctedAt,
    ]),
  )
}
