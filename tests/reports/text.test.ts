import { describe, expect, it } from 'vitest'
import { buildReport } from '../../domain/change-report.ts'
import { renderText } from '../../src/reports/text.ts'
import { AT, event, healthEvent, run2, sampleReport, snapshot } from './events.ts'

const ESC = '\u001b'

describe('renderText', () => {
  it('renders a report exactly, health first, in plain text', () => {
    expect(renderText(sampleReport([healthEvent]), { color: false })).toBe(
      [
        'eurowatch report: run 2',
        '  run 2: complete, started 2026-11-26 12:00 UTC, finished 2026-11-26 12:01 UTC',
        '',
        'Health problems (1)',
        '  ! news (run 2): no-entries: the page answered 200 with no entries',
        '    listing http://www.eurocities.eu/eurocities/news&sector=123',
        '    page http://www.eurocities.eu/eurocities/news&sector=123&newsstart=11',
        '',
        'social-innovation  http://www.eurocities.eu/eurocities/issues/social-innovation-issue',
        '  New (2)',
        '    + Entry 1',
        '      event | 2026-12-01 – 2026-12-03 | (no themes)',
        '      http://www.eurocities.eu/eurocities/documents/Entry-1-WSPO-000001',
        '    + (no title)',
        '      (no type) | (no date) | culture, economy',
        '      http://www.eurocities.eu/eurocities/documents/Entry-2-WSPO-000002',
        '  Changed (1)',
        '    ~ Entry 3',
        '      news | 2019-10-23 | culture, mobility',
        '      http://www.eurocities.eu/eurocities/documents/Entry-3-WSPO-000003',
        '      title: Old entry 3 → Entry 3',
        '      themes: +mobility −economy',
        '      summary: The city of [-Ghent-]{+Antwerp+} launched a {+new +}plan {+today+}.',
        '  Removed (1)',
        '    - Entry 4',
        '      news | 2019-10-23 | culture, economy',
        '      http://www.eurocities.eu/eurocities/documents/Entry-4-WSPO-000004',
        '',
        'Total: 4 changes (2 new, 1 changed, 0 moved, 1 removed, 0 reappeared); 1 health problem',
        '',
      ].join('\n'),
    )
  })

  it('says so when nothing changed', () => {
    const text = renderText(buildReport([], [], [run2], { since: '2026-11-01' }, AT), { color: false })
    expect(text).toBe(
      [
        'eurowatch report: since 2026-11-01',
        '  run 2: complete, started 2026-11-26 12:00 UTC, finished 2026-11-26 12:01 UTC',
        '',
        'No changes (0 new, 0 changed, 0 moved, 0 removed, 0 reappeared)',
        '',
      ].join('\n'),
    )
  })

  it('shows a moved entry with its old and new link and a document type', () => {
    const moved = event(9, 'moved', snapshot(9, { documentType: 'policy publication' }), {
      changes: [{ field: 'url', before: 'http://www.eurocities.eu/eurocities/documents/Old-slug-WSPO-000009', after: snapshot(9).url }],
    })
    const text = renderText(buildReport([moved], [], [run2], { runIds: [2] }, AT), { color: false })
    expect(text).toContain(
      [
        '  Moved (1)',
        '    > Entry 9',
        '      news | 2019-10-23 | culture, economy | policy publication',
        '      http://www.eurocities.eu/eurocities/documents/Entry-9-WSPO-000009',
        '      link: http://www.eurocities.eu/eurocities/documents/Old-slug-WSPO-000009 → http://www.eurocities.eu/eurocities/documents/Entry-9-WSPO-000009',
      ].join('\n'),
    )
  })

  it('has no escape codes in plain mode, even when the site sends some', () => {
    const hostile = event(1, 'changed', snapshot(1, { title: `Red ${ESC}[31malert${ESC}[0m\nsecond line` }), {
      changes: [{ field: 'summary', before: `old ${ESC}]0;pwned\u0007`, after: 'new text' }],
    })
    const text = renderText(buildReport([hostile], [healthEvent], [run2], { runIds: [2] }, AT), { color: false })
    expect(text).not.toContain(ESC)
    expect(text).not.toContain('\u0007')
    expect(text).toContain('    ~ Red alert second line\n')
  })

  it('drops bidi overrides and isolates, which would show a title or URL reversed', () => {
    const hostile = event(1, 'new', snapshot(1, { title: 'Annual report \u202Efdp.exe\u202C', url: 'http://www.eurocities.eu/\u2067evil\u2069/x', themes: ['cul\u202Dture'] }))
    const text = renderText(buildReport([hostile], [], [run2], { runIds: [2] }, AT), { color: true })
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/)
    expect(text).toContain('Annual report fdp.exe')
    expect(text).toContain('http://www.eurocities.eu/evil/x')
    expect(text).toContain('culture')
  })

  it('colours only when asked, with red and green for the summary diff', () => {
    const text = renderText(sampleReport([healthEvent]), { color: true })
    expect(text).toContain(`${ESC}[32mAntwerp${ESC}[39m`)
    expect(text).toContain(`${ESC}[31m${ESC}[9mGhent`)
    expect(text).not.toContain('{+')
    expect(text).not.toContain('[-')
    // same words once the codes are stripped
    const stripped = text.replace(/\u001b\[\d+m/g, '')
    expect(stripped).toContain('summary: The city of GhentAntwerp launched a new plan today.')
    expect(stripped).toContain('Total: 4 changes')
  })
})
