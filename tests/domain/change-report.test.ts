import { describe, expect, it } from 'vitest'
import { buildReport, KIND_ORDER } from '../../domain/change-report.ts'
import { AT, event, LISTING, run2, sampleReport, snapshot } from '../reports/events.ts'

describe('buildReport', () => {
  it('groups by listing, then by kind in a fixed order, and counts every kind', () => {
    const report = sampleReport()
    expect(report.groups).toHaveLength(1)
    expect(report.groups[0]?.listing).toEqual(LISTING)
    expect(report.groups[0]?.kinds.map((k) => [k.kind, k.events.map((e) => e.id)])).toEqual([
      ['new', [3, 4]],
      ['changed', [2]],
      ['removed', [1]],
    ])
    expect(report.counts).toEqual({ new: 2, changed: 1, moved: 0, removed: 1, reappeared: 0 })
    expect(KIND_ORDER).toEqual(['new', 'changed', 'moved', 'removed', 'reappeared'])
  })

  it('orders listings by source and puts events without a listing last', () => {
    const other = { source: 'a-first', url: 'http://example.org/a' }
    const report = buildReport(
      [event(1, 'new', snapshot(1), { listing: null }), event(2, 'new', snapshot(2)), event(3, 'moved', snapshot(3), { listing: other })],
      [],
      [run2],
      { since: '2026-11-01' },
      AT,
    )
    expect(report.groups.map((g) => g.listing?.source ?? null)).toEqual(['a-first', 'social-innovation', null])
    expect(report.scope).toEqual({ since: '2026-11-01' })
  })
})
