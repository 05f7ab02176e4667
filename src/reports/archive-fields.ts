// An entry version as the archive formats write it (snapshot JSON and CSV, export JSONL and
// CSV): one shape, so that a snapshot and an export of the same moment compare field by field.
// Shapes in docs/export.md. Pure.
import { stringify } from 'csv-stringify/sync'
import type { Validity } from '../../domain/archive.ts'
import type { ParsedEntry } from '../../domain/entry.ts'
import type { VersionFields } from '../../domain/versioning.ts'
import { csvCell } from './site-text.ts'

/** The fields of a listed entry, with when the version held. */
export interface VersionJson extends Omit<ParsedEntry, 'key'> {
  validFromRun: number
  validToRun: number | null
  validFrom: string
  validTo: string | null
}

export function versionJson(fields: VersionFields, validity: Validity): VersionJson {
  return {
    validFromRun: validity.validFromRun,
    validToRun: validity.validToRun,
    validFrom: validity.validFrom.toISOString(),
    validTo: validity.validTo?.toISOString() ?? null,
    url: fields.url,
    title: fields.title,
    type: fields.type,
    date: fields.date,
    endDate: fields.endDate,
    themes: [...fields.themes],
    summary: fields.summary,
    summaryTruncated: fields.summaryTruncated,
    documentType: fields.documentType,
  }
}

/** CSV columns of a version, in order; themes joined by "; ", booleans as true/false, absent values empty. */
export const VERSION_COLUMNS = [
  'valid_from_run', 'valid_to_run', 'valid_from', 'valid_to', 'url', 'title', 'type', 'date', 'end_date', 'themes', 'summary', 'summary_truncated', 'document_type',
] as const

export type CsvValue = string | number | boolean | null

export function versionCells(version: VersionJson): CsvValue[] {
  return [
    version.validFromRun, version.validToRun, version.validFrom, version.validTo, version.url, version.title, version.type, version.date,
    version.endDate, version.themes.join('; '), version.summary, version.summaryTruncated, version.documentType,
  ]
}

/**
 * RFC 4180 lines (CRLF), every line complete: a caller may write a file a few rows at a time.
 * Every text cell goes through csvCell (sanitised; a would-be formula starts with '); the
 * numbers are ours and stay numbers.
 */
export function csvLines(rows: readonly CsvValue[][]): string {
  // a line break inside a cell is quoted too: csv-stringify quotes only the record delimiter (CR LF) by itself
  return stringify(rows as CsvValue[][], { record_delimiter: 'windows', quoted_match: /[\r\n]/, cast: { boolean: (value) => String(value), string: csvCell } })
}
