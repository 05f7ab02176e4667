import { describe, expect, it } from 'vitest'
import { renderJson, toReportJson } from '../../src/reports/json.ts'
import { healthEvent, sampleReport } from './events.ts'

/** The type of every value, recursively, as a consumer sees it: pins keys and types, not values. */
function shapeOf(value: unknown): unknown {
  if (value === null) return 'null'
  if (Array.isArray(value)) return value.map(shapeOf)
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]))
  return typeof value
}

describe('the JSON report (docs/report-json.md)', () => {
  const parsed: unknown = JSON.parse(renderJson(sampleReport([healthEvent])))

  it('has the documented top-level keys, in order, at version 1', () => {
    expect(Object.keys(parsed as object)).toEqual(['version', 'generatedAt', 'scope', 'runs', 'counts', 'baseline', 'health', 'changes'])
    expect(parsed).toMatchObject({ version: 1, generatedAt: '2026-11-26T12:05:00.000Z', scope: { runIds: [2] } })
    expect((parsed as { counts: unknown }).counts).toEqual({ new: 2, changed: 1, moved: 0, removed: 1, reappeared: 0 })
  })

  it('keeps the exact shape of runs, health and changes', () => {
    const { runs, health, changes } = parsed as { runs: unknown[]; health: unknown[]; changes: unknown[] }
    expect(shapeOf(runs[0])).toEqual({ id: 'number', status: 'string', startedAt: 'string', finishedAt: 'string', incremental: [] })
    expect(shapeOf(health[0])).toEqual({
      runId: 'number',
      listing: { source: 'string', url: 'string' },
      pageUrl: 'string',
      problem: 'string',
      message: 'string',
      detectedAt: 'string',
    })
    const entry = {
      key: 'string',
      url: 'string',
      title: 'string',
      type: 'string',
      date: 'string',
      endDate: 'null',
      themes: ['string', 'string'],
      summary: 'string',
      documentType: 'null',
      detail: 'null',
    }
    // changes come in report order: new, new, changed, removed
    expect(changes.map((c) => (c as { kind: string }).kind)).toEqual(['new', 'new', 'changed', 'removed'])
    expect(shapeOf(changes[2])).toEqual({
      kind: 'string',
      runId: 'number',
      listing: { source: 'string', url: 'string' },
      listings: [{ source: 'string', url: 'string', position: 'number' }],
      entry,
      fields: [
        { field: 'string', before: 'string', after: 'string' },
        { field: 'string', before: ['string', 'string'], after: ['string', 'string'], added: ['string'], removed: ['string'] },
        { field: 'string', before: 'string', after: 'string' },
      ],
      detectedAt: 'string',
    })
  })

  it('names the listings a run read incrementally, with their last full crawl or null', () => {
    const report = sampleReport()
    const incremental = [{ source: 'news', lastFullAt: new Date('2026-11-25T06:00:00.000Z') }, { source: 'documents', lastFullAt: null }]
    const json = toReportJson({ ...report, runs: report.runs.map((run) => ({ ...run, incremental })) })
    expect(json.runs[0]?.incremental).toEqual([{ source: 'news', lastFullAt: '2026-11-25T06:00:00.000Z' }, { source: 'documents', lastFullAt: null }])
  })

  it('writes dates as ISO strings and nulls explicitly', () => {
    const json = toReportJson(sampleReport())
    expect(json.runs[0]).toEqual({ id: 2, status: 'complete', startedAt: '2026-11-26T12:00:00.000Z', finishedAt: '2026-11-26T12:01:30.000Z', incremental: [] })
    expect(json.changes[1]?.entry).toEqual({
      key: 'WSPO-000002',
      url: 'http://www.eurocities.eu/eurocities/documents/Entry-2-WSPO-000002',
      title: null,
      type: null,
      date: null,
      endDate: null,
      themes: ['culture', 'economy'],
      summary: 'Summary of entry 2.',
      documentType: null,
      detail: null,
    })
    expect(json.changes[1]?.fields).toEqual([])
    expect(json.health).toEqual([])
  })
})
