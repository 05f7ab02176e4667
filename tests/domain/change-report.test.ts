import { describe, expect, it } from 'vitest'
import { baselineLine, buildReport, KIND_ORDER, reportEvents } from '../../domain/change-report.ts'
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

  it('shows a change under every listing that showed it, in listing position order, and counts it once', () => {
    const documents = { source: 'documents', url: 'http://example.org/documents' }
    const both = event(5, 'new', snapshot(5), { seenOn: [{ listing: documents, position: 1 }, { listing: LISTING, position: 9 }] })
    const report = buildReport(
      [event(6, 'new', snapshot(6), { seenOn: [{ listing: LISTING, position: 3 }] }), both, event(7, 'new', snapshot(7), { seenOn: [{ listing: LISTING, position: 12 }] })],
      [],
      [run2],
      { runIds: [2] },
      AT,
    )
    expect(report.groups.map((g) => [g.listing?.source, g.kinds.flatMap((k) => k.events.map((e) => e.id))])).toEqual([
      ['documents', [5]],
      ['social-innovation', [6, 5, 7]],
    ])
    expect(report.counts.new).toBe(3)
    expect(reportEvents(report).map((e) => e.id)).toEqual([5, 6, 7])
  })

  it('counts the baseline of new listings apart from the changes', () => {
    const report = buildReport([event(1, 'new', snapshot(1), { baseline: true }), event(2, 'new', snapshot(2), { baseline: true }), event(3, 'changed', snapshot(3))], [], [run2], { runIds: [2] }, AT)
    expect(report.counts).toEqual({ new: 0, changed: 1, moved: 0, removed: 0, reappeared: 0 })
    expect(report.groups.flatMap((g) => g.kinds.map((k) => k.kind))).toEqual(['changed'])
    expect(baselineLine(report)).toBe('baseline: 2 entries (1 listing watched from now on)')
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
