import { describe, expect, it } from 'vitest'
import type { VersionFields } from '../../domain/versioning.ts'
import { compareVersions } from '../../src/reports/version-diff.ts'

const base: VersionFields = {
  url: 'http://www.eurocities.eu/eurocities/documents/Entry-1-WSPO-000001',
  title: 'Entry 1',
  type: 'news',
  date: '2019-10-23',
  endDate: null,
  themes: ['culture', 'economy'],
  summary: 'Summary.',
  summaryTruncated: false,
  documentType: null,
}

describe('compareVersions', () => {
  it('finds nothing between equal versions', () => {
    expect(compareVersions(base, { ...base, themes: [...base.themes] })).toEqual([])
  })

  it('lists changed fields in a fixed order, themes as added and removed before the summary', () => {
    const after = { ...base, title: 'Entry one', themes: ['culture', 'mobility'], summary: 'New summary.', endDate: '2019-10-24' }
    expect(compareVersions(base, after)).toEqual([
      { field: 'title', before: 'Entry 1', after: 'Entry one' },
      { field: 'endDate', before: null, after: '2019-10-24' },
      { field: 'themes', before: ['culture', 'economy'], after: ['culture', 'mobility'], added: ['mobility'], removed: ['economy'] },
      { field: 'summary', before: 'Summary.', after: 'New summary.' },
    ])
  })
})
