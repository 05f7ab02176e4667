// One stored version's fields, and the same with its summary cut by the listing: what the diff
// rules are tried on, in JavaScript (diffVersions) and in SQL (db/changes.ts).
import type { VersionFields } from '../../domain/versioning.ts'

export const base: VersionFields = {
  url: 'http://www.eurocities.eu/eurocities/documents/Entry-1-WSPO-000001',
  title: 'Entry 1',
  type: 'news',
  date: '2019-10-23',
  endDate: null,
  themes: ['culture', 'economy'],
  summary: 'Eleven more cities have made financial commitments to fight poverty.',
  summaryTruncated: false,
  documentType: null,
}

export const cut: VersionFields = { ...base, summary: 'Eleven more cities have made...', summaryTruncated: true }
