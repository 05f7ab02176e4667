import { describe, expect, it } from 'vitest'
import type { ListingSnapshot, SnapshotEntry } from '../../domain/archive.ts'
import { compareSnapshots } from '../../domain/snapshot-compare.ts'
import type { VersionFields } from '../../domain/versioning.ts'

const at = new Date('2026-11-02T08:00:00Z')

function entry(key: string, position: number, fields: Partial<VersionFields> = {}): SnapshotEntry {
  return {
    key,
    position,
    pageNumber: 1,
    fields: { url: `https://www.eurocities.eu/eurocities/news/${key}`, title: `Title ${key}`, type: 'news', date: '2019-10-01', endDate: null, themes: ['culture'], summary: 'A summary of it', summaryTruncated: false, documentType: null, ...fields },
    validity: { validFromRun: 1, validToRun: null, validFrom: at, validTo: null },
  }
}

function snapshot(entries: SnapshotEntry[]): ListingSnapshot {
  return { listing: { source: 'news', url: 'https://www.eurocities.eu/eurocities/news' }, asOf: at, asOfText: '2026-11-02', crawl: { runId: 1, startedAt: at, finishedAt: at, pages: 1, entries: entries.length, origin: 'crawl', captures: [] }, entries }
}

describe('compareSnapshots', () => {
  it('tells what was added, removed and changed between two dates, under the diff rules', () => {
    const before = snapshot([entry('WSPO-AAAAAA', 1), entry('WSPO-BBBBBB', 2), entry('WSPO-CCCCCC', 3), entry('WSPO-DDDDDD', 4)])
    const after = snapshot([
      entry('WSPO-EEEEEE', 1),
      entry('WSPO-AAAAAA', 2, { themes: ['culture', 'mobility'] }),
      // cosmetics and a cut summary are not changes, nor is a new position
      entry('WSPO-BBBBBB', 3, { title: 'Title  WSPO-BBBBBB ', summary: 'A summary', summaryTruncated: true }),
      entry('WSPO-DDDDDD', 4),
    ])
    const comparison = compareSnapshots(before, after)
    expect(comparison.added.map((e) => e.key)).toEqual(['WSPO-EEEEEE'])
    expect(comparison.removed.map((e) => e.key)).toEqual(['WSPO-CCCCCC'])
    expect(comparison.changed.map((c) => [c.key, c.changes.map((change) => change.field)])).toEqual([['WSPO-AAAAAA', ['themes']]])
    expect(comparison.unchanged).toBe(2)
  })
})
