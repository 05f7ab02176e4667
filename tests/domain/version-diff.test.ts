import { describe, expect, it } from 'vitest'
import { diffVersions } from '../../domain/version-diff.ts'
import { base, cut } from '../support/version-fields.ts'

describe('diffVersions', () => {
  it('finds nothing between equal versions', () => {
    expect(diffVersions(base, { ...base, themes: [...base.themes] })).toEqual([])
  })

  it('lists changed fields in a fixed order, themes as added and removed before the summary', () => {
    const after = { ...base, title: 'Entry one', themes: ['culture', 'mobility'], summary: 'New summary.', endDate: '2019-10-24' }
    expect(diffVersions(base, after)).toEqual([
      { field: 'title', before: 'Entry 1', after: 'Entry one' },
      { field: 'endDate', before: null, after: '2019-10-24' },
      { field: 'themes', before: ['culture', 'economy'], after: ['culture', 'mobility'], added: ['mobility'], removed: ['economy'] },
      { field: 'summary', before: base.summary, after: 'New summary.' },
    ])
  })

  it('finds nothing in cosmetic differences, compares normalized values and reports them normalized', () => {
    expect(diffVersions(base, { ...base, title: ' Entry\u00a01 ', themes: ['economy', 'culture', 'economy'] })).toEqual([])
    expect(diffVersions(base, { ...base, title: 'Malmo\u0308', type: '' })).toEqual([
      { field: 'title', before: 'Entry 1', after: 'Malm\u00f6' },
      { field: 'type', before: 'news', after: null },
    ])
  })

  it('finds nothing between a summary cut with "..." and the full text it is a prefix of, either way', () => {
    expect(diffVersions(base, cut)).toEqual([])
    expect(diffVersions(cut, base)).toEqual([])
    expect(diffVersions(cut, { ...base, title: 'Entry one' })).toEqual([{ field: 'title', before: 'Entry 1', after: 'Entry one' }])
  })

  it('reports a new text as the summary alone, never the cut flag', () => {
    const other = { ...base, summary: 'Twelve cities pledged to fight poverty.' }
    expect(diffVersions(cut, other)).toEqual([{ field: 'summary', before: cut.summary, after: other.summary }])
    expect(diffVersions(base, { ...base, summaryTruncated: true, summary: 'Twelve cities...' })).toEqual([{ field: 'summary', before: base.summary, after: 'Twelve cities...' }])
  })

  it('reports a new URL with the other fields that changed', () => {
    const moved = { ...base, url: 'http://www.eurocities.eu/eurocities/documents/Entry-one-WSPO-000001', title: 'Entry one' }
    expect(diffVersions(base, moved).map((change) => change.field)).toEqual(['url', 'title'])
  })
})
