import { describe, expect, it } from 'vitest'
import { escapeMarkdown, escapeUrl, link, renderMarkdown } from '../../src/reports/markdown.ts'
import { buildReport } from '../../domain/change-report.ts'
import { AT, LISTING, event, healthEvent, run2, sampleReport, snapshot } from './events.ts'

function render(...events: Parameters<typeof buildReport>[0]): string {
  return renderMarkdown(buildReport(events, [], [run2], { runIds: [2] }, AT))
}

describe('renderMarkdown', () => {
  it('renders a heading per listing and per kind, titles linked, field diffs nested', () => {
    const md = renderMarkdown(sampleReport([healthEvent]))
    expect(md).toContain(
      [
        '## Health problems',
        '',
        '- [news](http://www.eurocities.eu/eurocities/news&sector=123) (run 2): no-entries: the page answered 200 with no entries; page [http://www.eurocities.eu/eurocities/news&amp;sector=123&amp;newsstart=11](http://www.eurocities.eu/eurocities/news&sector=123&newsstart=11)',
        '',
        '## social-innovation',
        '',
        '[http://www.eurocities.eu/eurocities/issues/social-innovation-issue](http://www.eurocities.eu/eurocities/issues/social-innovation-issue)',
        '',
        '### New (2)',
        '',
        '- [Entry 1](http://www.eurocities.eu/eurocities/documents/Entry-1-WSPO-000001): event · 2026-12-01 – 2026-12-03 · no themes',
        '- [\\(no title\\)](http://www.eurocities.eu/eurocities/documents/Entry-2-WSPO-000002): no type · no date · culture, economy',
        '',
        '### Changed (1)',
        '',
        '- [Entry 3](http://www.eurocities.eu/eurocities/documents/Entry-3-WSPO-000003): news · 2019-10-23 · culture, mobility',
        '  - title: Old entry 3 → Entry 3',
        '  - themes: +mobility −economy',
        '  - summary: The city of ~~Ghent~~**Antwerp** launched a **new** plan **today**.',
        '',
        '### Removed (1)',
      ].join('\n'),
    )
    expect(md.startsWith('# eurowatch report: run 2\n')).toBe(true)
    expect(md).toContain('**Total: 4 changes** (2 new, 1 changed, 0 moved, 1 removed, 0 reappeared)')
  })

  it('shows a change seen on two listings once, under the first, naming both', () => {
    const news = { source: 'news', url: 'http://www.eurocities.eu/eurocities/news' }
    const md = render(
      event(1, 'new', snapshot(1), { seenOn: [{ listing: news, position: 3 }, { listing: LISTING, position: 1 }] }),
      event(2, 'new', snapshot(2), { listing: news, seenOn: [{ listing: news, position: 4 }] }),
    )
    expect(md.split('(http://www.eurocities.eu/eurocities/documents/Entry-1-WSPO-000001)')).toHaveLength(2)
    expect(md).toContain('seen on: news, social-innovation')
    expect(md).not.toContain('## social-innovation')
    expect(md).toContain('### New (2)')
  })

  it('renders a hostile title as text, never as a link', () => {
    const md = render(event(1, 'new', snapshot(1, { title: '[x](javascript:alert(1))' })))
    expect(md).toContain('- [\\[x\\]\\(javascript:alert\\(1\\)\\)](http://www.eurocities.eu/eurocities/documents/Entry-1-WSPO-000001)')
    expect(md).not.toContain('](javascript:')
  })

  it('escapes HTML, emphasis and line breaks in titles, themes and summaries', () => {
    const md = render(
      event(1, 'changed', snapshot(1, { title: '<img src=x onerror=alert(1)> *bold* & _it_\n# heading', themes: ['a|b'] }), {
        changes: [{ field: 'summary', before: 'Plain <b>old</b>', after: 'Plain <script>new</script> **x**' }],
      }),
    )
    expect(md).toContain('[&lt;img src=x onerror=alert\\(1\\)&gt; \\*bold\\* &amp; \\_it\\_ \\# heading]')
    expect(md).toContain('· a\\|b')
    expect(md).not.toMatch(/<(img|script|b)\b/)
    // jsdiff splits on punctuation: each token is escaped on its own
    expect(md).toContain('  - summary: Plain &lt;~~b~~**script**&gt;~~old~~**new**&lt;/~~b~~**script**&gt; **\\*\\*x\\*\\***')
    expect(md).not.toContain('\n# heading')
  })

  it('links only http(s) URLs, and encodes spaces, parentheses and brackets in them', () => {
    expect(link('t', 'javascript:alert(1)')).toBe('t (javascript:alert\\(1\\))')
    expect(link('t', 'data:text/html,<b>x</b>')).toBe('t (data:text/html,&lt;b&gt;x&lt;/b&gt;)')
    expect(escapeUrl('http://example.org/a b(c)<d>[e]')).toBe('http://example.org/a%20b%28c%29%3Cd%3E%5Be%5D')
    // legacy URLs keep their & as is, unless it would read as an entity
    expect(escapeUrl('http://www.eurocities.eu/x&newsstart=11&copy;')).toBe('http://www.eurocities.eu/x&newsstart=11&amp;copy;')
    const md = render(event(1, 'new', snapshot(1, { url: 'http://example.org/a (b)' })))
    expect(md).toContain('](http://example.org/a%20%28b%29)')
  })

  it('drops C1 controls and bidi overrides from text', () => {
    expect(escapeMarkdown('Report \u202Efdp.exe\u202C \u009b31m \u2066x\u2069')).toBe('Report fdp.exe 31m x')
  })

  it('escapes every Markdown special in plain text', () => {
    expect(escapeMarkdown('\\`*_{}[]()#!|~$')).toBe('\\\\\\`\\*\\_\\{\\}\\[\\]\\(\\)\\#\\!\\|\\~\\$')
    expect(escapeMarkdown('a\r\n\tb')).toBe('a b')
  })
})
