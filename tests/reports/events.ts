// Hand-built change and health events for the renderer tests.
import type { ChangeEvent, EntrySnapshot, HealthEvent } from '../../domain/change.ts'
import { buildReport, type ChangeReport } from '../../domain/change-report.ts'

export const AT = new Date('2026-11-26T12:05:00.000Z')
export const LISTING = { source: 'social-innovation', url: 'http://www.eurocities.eu/eurocities/issues/social-innovation-issue' }

export function snapshot(n: number, overrides: Partial<EntrySnapshot> = {}): EntrySnapshot {
  const key = `WSPO-${String(n).padStart(6, '0')}`
  return {
    key,
    url: `http://www.eurocities.eu/eurocities/documents/Entry-${n}-${key}`,
    title: `Entry ${n}`,
    type: 'news',
    date: '2019-10-23',
    endDate: null,
    themes: ['culture', 'economy'],
    summary: `Summary of entry ${n}.`,
    documentType: null,
    ...overrides,
  }
}

export function event(id: number, kind: ChangeEvent['kind'], entry: EntrySnapshot, overrides: Partial<ChangeEvent> = {}): ChangeEvent {
  const listing = overrides.listing === undefined ? LISTING : overrides.listing
  const seenOn = listing === null ? [] : [{ listing, position: id }]
  return { id, runId: 2, kind, listing, seenOn, baseline: false, entry, changes: [], detectedAt: AT, ...overrides }
}

export const healthEvent: HealthEvent = {
  id: 1,
  runId: 2,
  listing: { source: 'news', url: 'http://www.eurocities.eu/eurocities/news&sector=123' },
  pageUrl: 'http://www.eurocities.eu/eurocities/news&sector=123&newsstart=11',
  problem: 'no-entries',
  message: 'the page answered 200 with no entries',
  detectedAt: AT,
}

export const run2 = { id: 2, status: 'complete' as const, startedAt: new Date('2026-11-26T12:00:00.000Z'), finishedAt: new Date('2026-11-26T12:01:30.000Z') }

/** One of each kind on one listing, a changed entry with title, themes and summary diffs. */
export function sampleReport(health: HealthEvent[] = []): ChangeReport {
  const events = [
    event(1, 'removed', snapshot(4)),
    event(2, 'changed', snapshot(3, { themes: ['culture', 'mobility'], summary: 'The city of Antwerp launched a new plan today.' }), {
      changes: [
        { field: 'title', before: 'Old entry 3', after: 'Entry 3' },
        { field: 'themes', before: ['culture', 'economy'], after: ['culture', 'mobility'], added: ['mobility'], removed: ['economy'] },
        { field: 'summary', before: 'The city of Ghent launched a plan.', after: 'The city of Antwerp launched a new plan today.' },
      ],
    }),
    event(3, 'new', snapshot(1, { type: 'event', date: '2026-12-01', endDate: '2026-12-03', themes: [] })),
    event(4, 'new', snapshot(2, { title: null, type: null, date: null })),
  ]
  return buildReport(events, health, [run2], { runIds: [2] }, AT)
}
