// The archive formats (docs/export.md): snapshot and export shapes pinned, site text escaped for
// HTML and Markdown and carried as stored in JSON and CSV, and WARC headers true of the stored body.
import { describe, expect, it } from 'vitest'
import type { ExportedEntry, ListingSnapshot } from '../../domain/archive.ts'
import type { EntryDetail } from '../../domain/detail.ts'
import { entryCsvHeader, entryCsvRows, entryJsonLine } from '../../src/reports/export-entries.ts'
import { renderSnapshotCsv, renderSnapshotJson, renderSnapshotMarkdown, renderSnapshotText } from '../../src/reports/snapshot.ts'
import { renderSnapshotHtml } from '../../src/reports/snapshot-html.ts'
import { archivedHeaders } from '../../src/reports/warc.ts'

const at = (iso: string) => new Date(iso)
const HOSTILE = {
  url: 'javascript:alert(1)',
  title: '<script>alert("x")</script> & *bold* [link](http://evil.example)',
  type: 'news',
  date: '2019-10-23',
  endDate: null,
  themes: ['culture', 'knowledge society'],
  summary: 'Line one,\nline "two"\u001b[31m red',
  summaryTruncated: true,
  documentType: null,
}
const PLAIN = { ...HOSTILE, url: 'http://www.eurocities.eu/eurocities/documents/Plain-WSPO-000002', title: 'Plain', summary: null, summaryTruncated: false, themes: [] }

const snapshot: ListingSnapshot = {
  listing: { source: 'social-innovation', url: 'http://www.eurocities.eu/eurocities/issues/social-innovation-issue' },
  asOf: at('2026-11-01T22:59:59.999Z'),
  asOfText: '2026-11-01',
  crawl: { runId: 3, startedAt: at('2026-11-01T09:00:00.000Z'), finishedAt: at('2026-11-01T09:01:00.000Z'), pages: 1, entries: 2, origin: 'crawl', captures: [] },
  entries: [
    { position: 1, pageNumber: 1, key: 'WSPO-000001', fields: HOSTILE, validity: { validFromRun: 2, validToRun: null, validFrom: at('2026-10-31T09:00:00.000Z'), validTo: null } },
    { position: 2, pageNumber: 1, key: 'WSPO-000002', fields: PLAIN, validity: { validFromRun: 1, validToRun: 3, validFrom: at('2026-10-30T09:00:00.000Z'), validTo: at('2026-11-01T09:00:30.000Z') } },
  ],
}

const VERSION_KEYS = ['validFromRun', 'validToRun', 'validFrom', 'validTo', 'url', 'title', 'type', 'date', 'endDate', 'themes', 'summary', 'summaryTruncated', 'documentType']

describe('the snapshot formats', () => {
  it('JSON: the documented shape, text as stored', () => {
    const json = JSON.parse(renderSnapshotJson(snapshot)) as Record<string, unknown> & { entries: Record<string, unknown>[] }
    expect(Object.keys(json)).toEqual(['version', 'listing', 'asOf', 'crawl', 'entries'])
    expect(json).toMatchObject({ version: 1, asOf: '2026-11-01T22:59:59.999Z', crawl: { runId: 3, startedAt: '2026-11-01T09:00:00.000Z', finishedAt: '2026-11-01T09:01:00.000Z', pages: 1 } })
    expect(Object.keys(json.entries[0] ?? {})).toEqual(['position', 'page', 'key', ...VERSION_KEYS])
    expect(json.entries[0]).toMatchObject({ position: 1, page: 1, key: 'WSPO-000001', title: HOSTILE.title, summary: HOSTILE.summary, validToRun: null, themes: ['culture', 'knowledge society'] })
    expect(json.entries[1]).toMatchObject({ validFromRun: 1, validToRun: 3, validTo: '2026-11-01T09:00:30.000Z' })
  })

  it('CSV: one row an entry, quoted where it must be, themes joined by "; ", absent values empty', () => {
    const csv = renderSnapshotCsv(snapshot)
    const rows = csv.split('\r\n')
    expect(rows[0]).toBe('position,page,key,valid_from_run,valid_to_run,valid_from,valid_to,url,title,type,date,end_date,themes,summary,summary_truncated,document_type')
    expect(rows[1]).toBe(
      '1,1,WSPO-000001,2,,2026-10-31T09:00:00.000Z,,javascript:alert(1),"<script>alert(""x"")</script> & *bold* [link](http://evil.example)",news,2019-10-23,,culture; knowledge society,"Line one,\nline ""two"" red",true,',
    )
    expect(csv.endsWith('\r\n')).toBe(true)
  })

  it('HTML: a page that reads like the listing, every piece of site text escaped, only web links', () => {
    const html = renderSnapshotHtml(snapshot)
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`)
    expect(html).not.toContain('<script')
    expect(html).not.toContain('href="javascript:')
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; *bold* [link](http://evil.example) <span class="url">(javascript:alert(1))</span>')
    expect(html).toContain('<a href="http://www.eurocities.eu/eurocities/documents/Plain-WSPO-000002">Plain</a>')
    expect(html).toContain('<ul class="themes"><li>culture</li><li>knowledge society</li></ul>')
    expect(html.match(/<li id="entry-\d+">/g)).toEqual(['<li id="entry-1">', '<li id="entry-2">'])
  })

  it('every format but JSON drops control and bidirectional characters; JSON keeps the text exact', () => {
    const fields = { ...PLAIN, title: 'Annual \u202Ereport\u202C \u2067x\u2069 bell\u0007 \u0085end', summary: 'red \u001b[31mtext\u001b[0m\u200f\u061c done\u0000', themes: ['cul\u202Dture'] }
    const hostile: ListingSnapshot = { ...snapshot, entries: [{ ...snapshot.entries[1], fields, position: 1 } as ListingSnapshot['entries'][number]] }
    const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/
    for (const rendered of [renderSnapshotHtml(hostile), renderSnapshotCsv(hostile), renderSnapshotMarkdown(hostile), renderSnapshotText(hostile)]) {
      expect(rendered).not.toMatch(UNSAFE)
      expect(rendered).toContain('Annual report x bell end')
      expect(rendered).toContain('red text done')
      expect(rendered).toContain('culture')
    }
    expect(JSON.parse(renderSnapshotJson(hostile)).entries[0]).toMatchObject({ title: fields.title, summary: fields.summary })
  })

  it('CSV: a cell a spreadsheet would run as a formula starts with a quote (OWASP); numbers stay numbers', () => {
    const titles = ['=HYPERLINK("http://evil.example","x")', '+1', '-2', '@SUM(A1:A2)', '\tx', '\rx']
    const formulas: ListingSnapshot = { ...snapshot, entries: titles.map((title, index) => ({ ...snapshot.entries[1], position: index + 1, fields: { ...PLAIN, title } }) as ListingSnapshot['entries'][number]) }
    const rows = renderSnapshotCsv(formulas).split('\r\n').slice(1, -1)
    expect(rows.map((row) => row.split(',').slice(0, 4).join(','))).toEqual(titles.map((_, index) => `${index + 1},1,WSPO-000002,1`))
    expect(rows.map((row) => row.slice(row.indexOf('Plain-WSPO-000002,') + 'Plain-WSPO-000002,'.length).split(',news,')[0])).toEqual([
      `"'=HYPERLINK(""http://evil.example"",""x"")"`, "'+1", "'-2", "'@SUM(A1:A2)", "'\tx", `"'\nx"`,
    ])
  })

  it('Markdown and text: one line per field, nothing the site wrote can start a line or a link', () => {
    const markdown = renderSnapshotMarkdown(snapshot)
    expect(markdown).toContain('\n1. &lt;script&gt;alert\\("x"\\)&lt;/script&gt; &amp; \\*bold\\* \\[link\\]\\(http://evil.example\\) (javascript:alert\\(1\\)): news · 2019-10-23 · culture, knowledge society\n')
    expect(markdown).toContain('\n   Line one, line "two" red *(cut by the listing)*\n')
    expect(markdown).toContain('2. [Plain](http://www.eurocities.eu/eurocities/documents/Plain-WSPO-000002)')
    const text = renderSnapshotText(snapshot)
    expect(text).toMatch(/^listing social-innovation as of 2026-11-01: run 3 \(complete crawl finished 2026-11-01 09:01 UTC; 1 page, 2 entries\)\n/)
    expect(text).not.toContain('\u001b')
    expect(text).toContain('WSPO-000002; version of run 1 (2026-10-30 09:00 UTC), until run 3')
  })
})

describe('the entry export formats', () => {
  const DETAIL: EntryDetail = {
    postId: '9106', published: null, documentType: null, author: 'Julie Bosschaert', contact: null, tags: ['citizens'], files: [],
    text: 'Line one\nline "two" </script>',
  }
  const entry: ExportedEntry = {
    key: 'WSPO-000001',
    firstSeenRun: 1,
    lastSeenRun: 4,
    removed: { runId: 6, at: at('2026-11-06T09:00:00.000Z') },
    listings: [
      { source: 'documents', url: 'http://www.eurocities.eu/eurocities/documents', firstSeenRun: 2, lastSeenRun: 4, lastPosition: 7 },
      { source: 'social-innovation', url: 'http://www.eurocities.eu/eurocities/issues/social-innovation-issue', firstSeenRun: 1, lastSeenRun: 3, lastPosition: 2 },
    ],
    versions: [
      { fields: PLAIN, validity: { validFromRun: 1, validToRun: 3, validFrom: at('2026-11-01T09:00:00.000Z'), validTo: at('2026-11-03T09:00:00.000Z') }, origin: 'reparse', correctedAt: at('2026-11-05T09:00:00.000Z'), detail: null },
      { fields: HOSTILE, validity: { validFromRun: 3, validToRun: null, validFrom: at('2026-11-03T09:00:00.000Z'), validTo: null }, origin: 'crawl', correctedAt: null, detail: DETAIL },
    ],
  }

  it('JSON Lines: one line an entry, whatever its text holds, in the documented shape', () => {
    const line = entryJsonLine(entry)
    expect(line.endsWith('\n')).toBe(true)
    expect(line.slice(0, -1)).not.toContain('\n')
    const json = JSON.parse(line) as Record<string, unknown> & { versions: Record<string, unknown>[] }
    expect(Object.keys(json)).toEqual(['key', 'firstSeenRun', 'lastSeenRun', 'removed', 'listings', 'versions'])
    expect(json).toMatchObject({ removed: { runId: 6, at: '2026-11-06T09:00:00.000Z' }, listings: entry.listings })
    expect(json.versions.map((version) => Object.keys(version))).toEqual([[...VERSION_KEYS, 'origin', 'correctedAt', 'detail'], [...VERSION_KEYS, 'origin', 'correctedAt', 'detail']])
    expect(json.versions.map((version) => [version.origin, version.correctedAt])).toEqual([['reparse', '2026-11-05T09:00:00.000Z'], ['crawl', null]])
    expect(json.versions[1]).toMatchObject({ summary: HOSTILE.summary, validToRun: null, validTo: null, detail: DETAIL })
    expect(json.versions[0]?.detail).toBeNull()
  })

  it('CSV: one row a version, the entry\'s columns repeated', () => {
    expect(entryCsvHeader()).toBe(
      'key,version,valid_from_run,valid_to_run,valid_from,valid_to,url,title,type,date,end_date,themes,summary,summary_truncated,document_type,first_seen_run,last_seen_run,removed_run,removed_at,listings,origin,corrected_at\r\n',
    )
    const rows = entryCsvRows(entry).split('\r\n')
    expect(rows[0]).toBe('WSPO-000001,1,1,3,2026-11-01T09:00:00.000Z,2026-11-03T09:00:00.000Z,http://www.eurocities.eu/eurocities/documents/Plain-WSPO-000002,Plain,news,2019-10-23,,,,false,,1,4,6,2026-11-06T09:00:00.000Z,documents; social-innovation,reparse,2026-11-05T09:00:00.000Z')
    expect(rows[1]?.startsWith('WSPO-000001,2,3,,2026-11-03T09:00:00.000Z,,')).toBe(true)
  })
})

describe('the WARC response headers', () => {
  it('tell the stored body: codings undone by the crawler and a wrong length kept as X-Archive-Orig-*', () => {
    const headers = archivedHeaders({ headers: { 'content-type': 'text/html', 'content-encoding': 'gzip', 'transfer-encoding': 'chunked', 'content-length': '812' }, bodySize: 2400 })
    expect(headers).toEqual([
      ['content-type', 'text/html'],
      ['x-archive-orig-content-encoding', 'gzip'],
      ['x-archive-orig-transfer-encoding', 'chunked'],
      ['x-archive-orig-content-length', '812'],
      ['content-length', '2400'],
    ])
    expect(archivedHeaders({ headers: { 'content-length': '2400', etag: '"x"' }, bodySize: 2400 })).toEqual([
      ['etag', '"x"'],
      ['content-length', '2400'],
    ])
    expect(archivedHeaders({ headers: {}, bodySize: null })).toEqual([['content-length', '0']])
  })
})
