// What the report and `status` say of listings crawled incrementally.
import { describe, expect, it } from 'vitest'
import { buildReport } from '../../domain/change-report.ts'
import { renderMarkdown } from '../../src/reports/markdown.ts'
import { renderStatusText } from '../../src/reports/status.ts'
import { renderText } from '../../src/reports/text.ts'

const at = (time: string) => new Date(`2026-11-26T${time}:00Z`)

describe('incremental crawls in the report and in status', () => {
  const run = { id: 3, status: 'complete' as const, startedAt: at('12:00'), finishedAt: at('12:01'), incremental: [{ source: 'news', lastFullAt: at('08:00') }] }
  const report = buildReport([], [], [run], { runIds: [3] }, at('13:00'))

  it('names each listing a run read incrementally, with its last full crawl', () => {
    expect(renderText(report, { color: false }).split('\n').slice(0, 3)).toEqual([
      'eurowatch report: run 3',
      '  run 3: complete, started 2026-11-26 12:00 UTC, finished 2026-11-26 12:01 UTC',
      '    news: incremental (read up to a page with nothing new; deeper changes and removals wait for the next full crawl), last full crawl 2026-11-26 08:00 UTC',
    ])
    expect(renderMarkdown(report)).toContain('  - news: incremental \\(read up to a page with nothing new; deeper changes and removals wait for the next full crawl\\), last full crawl 2026-11-26 08:00 UTC')
  })

  it('prints nothing more for a run crawled in full', () => {
    const full = buildReport([], [], [{ ...run, incremental: undefined }], { runIds: [3] }, at('13:00'))
    expect(renderText(full, { color: false })).not.toContain('incremental')
  })

  it('says in status that a listing was last read incrementally, and what waits for its next full crawl', () => {
    const listing = { source: 'news', url: 'https://example.org/news', lastRun: 3, status: 'incremental' as const, reason: null, pages: 1, entries: 10, finishedAt: at('12:01'), lastCompleteAt: at('08:00') }
    const text = renderStatusText(
      { listings: [listing], awaitingRemoval: { total: 0, entries: [] }, deliveries: [], problems: [], scheduler: null, queue: { listings: [], workers: [] } },
      { removeAfter: 2, configured: ['news'] },
    )
    expect(text.split('\n').slice(1, 3)).toEqual([
      '  news: run 3 incremental, 1 pages, 10 entries; last complete 2026-11-26 08:00 UTC',
      '    read incrementally up to its first page with nothing new: changes deeper down and removals since the last full crawl (2026-11-26 08:00 UTC) wait for the next full crawl',
    ])
  })
})
