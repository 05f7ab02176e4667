import { describe, it, expect } from 'vitest'
import { eurocitiesLegacy } from '../../parsers/eurocities-legacy.ts'
import type { ParsedEntry } from '../../domain/entry.ts'
import { LayoutError } from '../../domain/errors.ts'
import { readFixture, readFixtureJson } from '../support/fixtures.ts'

const REF_URL = 'http://www.eurocities.eu/eurocities/issues/social-innovation-issue'
const parse = (html: string) => eurocitiesLegacy.parseListing(html, REF_URL)

// The fixture's entries omit the fields the reference page never shows (endDate, documentType).
type ExpectedEntry = Omit<ParsedEntry, 'endDate' | 'documentType'> & Partial<ParsedEntry> & { position: number }
interface ExpectedPage {
  page: string
  nextPage: string | null
  entries: ExpectedEntry[]
}

describe('eurocities-legacy reference page', () => {
  const expected = readFixtureJson<ExpectedPage>('legacy/social-innovation-issue.expected.json')
  const page = eurocitiesLegacy.parseListing(readFixture('legacy/social-innovation-issue.html'), expected.page)

  it('finds exactly the ten listed entries, not the related-events box', () => {
    expect(expected.page).toBe(REF_URL)
    expect(page.entries).toHaveLength(10)
    expect(page.entries.map((e) => e.key)).toEqual(expected.entries.map((e) => e.key))
    expect(page.entries.map((e) => e.key)).not.toContain('WSPO-BGZM56')
  })

  it('reads every field of every entry exactly', () => {
    expected.entries.forEach(({ position, ...entry }, index) => {
      expect(position).toBe(index + 1)
      expect(page.entries[index]).toEqual({ endDate: null, documentType: null, ...entry })
    })
  })

  it('keeps the next page URL byte-for-byte', () => {
    expect(page.nextPage).toBe(expected.nextPage)
    expect(page.nextPage).toBe(
      'http://www.eurocities.eu/eurocities/issues/social-innovation-issue&newsstart=11&newscount=10&contentURL=social-innovation-issue',
    )
  })
})

// A page builder in the legacy markup; each field is raw HTML, as the site would serve it.
interface ItemSpec {
  themes?: string[]
  href?: string
  title?: string
  summary?: string
  type?: string
  dates?: string[]
  doctype?: string
}

function item(spec: ItemSpec = {}): string {
  const themes = spec.themes ? `<ul class="newsthemes">${spec.themes.map((t) => `<li>&bull;&nbsp;${t}</li>`).join('')}</ul>` : ''
  const href = spec.href ?? '/eurocities/documents/Some-title-WSPO-BH2KQ7'
  const summary = spec.summary === undefined ? '' : `<div class="newsabstract">${spec.summary}</div>`
  const dates = (spec.dates ?? ['publication date: 23-10-2019']).map((d) => `<br /><span class="newsdate">${d}</span>`).join('')
  const doctype = spec.doctype === undefined ? '' : `<br /><span class="doctype">${spec.doctype}</span>`
  return `<div class="newsitem">
   ${themes}
   <h2 class="newstitle"><a href="${href}">${spec.title ?? 'Some title'}</a></h2>
   ${summary}
   <div class="newsinfo"><span class="newstype">${spec.type ?? 'publication'}</span>${dates}${doctype}</div>
  </div>`
}

function listing(items: string[], next: string | null = '/eurocities/issues/social-innovation-issue&newsstart=11&newscount=10&contentURL=social-innovation-issue'): string {
  // A numbered link first, so only `a.next` can be mistaken for the next page.
  const first = '<a href="/eurocities/issues/social-innovation-issue">1</a><span class="current">2</span>'
  const pager = next === null ? first : `${first}<a href="${next}" class="next">next &gt;</a>`
  return `<html><body><div id="content"><div class="issueintro"><p>intro</p></div>
  <div class="newslist">${items.join('\n')}</div>
  <div class="pager">${pager}</div></div></body></html>`
}

const only = (spec: ItemSpec): ParsedEntry => {
  const entries = parse(listing([item(spec)])).entries
  expect(entries).toHaveLength(1)
  const [entry] = entries
  if (entry === undefined) throw new Error('no entry')
  return entry
}

function layoutError(html: string): LayoutError {
  try {
    parse(html)
  } catch (error) {
    if (error instanceof LayoutError) return error
    throw error
  }
  throw new Error('expected a LayoutError')
}

describe('eurocities-legacy entry shapes', () => {
  it('reads a full entry', () => {
    expect(only({ themes: ['culture'], summary: 'A summary.' })).toEqual({
      key: 'WSPO-BH2KQ7',
      url: 'http://www.eurocities.eu/eurocities/documents/Some-title-WSPO-BH2KQ7',
      title: 'Some title',
      type: 'publication',
      date: '2019-10-23',
      endDate: null,
      themes: ['culture'],
      summary: 'A summary.',
      summaryTruncated: false,
      documentType: null,
    })
  })

  it('gives no themes when the list is absent', () => {
    expect(only({}).themes).toEqual([])
  })

  it('sorts all six themes', () => {
    const themes = ['mobility', 'knowledge society', 'culture', 'environment', 'cooperation', 'economy']
    expect(only({ themes }).themes).toEqual(['cooperation', 'culture', 'economy', 'environment', 'knowledge society', 'mobility'])
  })

  it('reads an empty type as null', () => {
    expect(only({ type: '' }).type).toBeNull()
  })

  it('reads an event with start and end date', () => {
    const entry = only({ type: 'event', dates: ['start date: 05-11-2019', 'end date: 07-11-2019'] })
    expect([entry.type, entry.date, entry.endDate]).toEqual(['event', '2019-11-05', '2019-11-07'])
  })

  it('reads an event with only a start date', () => {
    const entry = only({ type: 'event', dates: ['start date: 05-11-2019'] })
    expect([entry.date, entry.endDate]).toEqual(['2019-11-05', null])
  })

  it('reads the document type of a publication', () => {
    expect(only({ doctype: 'policy publication' }).documentType).toBe('policy publication')
    expect(only({ doctype: 'brochure/report' }).documentType).toBe('brochure/report')
  })

  it('reads "publication date :" with a space before the colon', () => {
    expect(only({ dates: ['publication date : 01-02-2016'] }).date).toBe('2016-02-01')
  })

  it('reads "case study date :"', () => {
    const entry = only({ type: 'case study', dates: ['case study date : 29-02-2016'] })
    expect([entry.type, entry.date]).toEqual(['case study', '2016-02-29'])
  })

  it('gives a null date when there is no date line', () => {
    expect(only({ dates: [] }).date).toBeNull()
  })

  it('reads an entry without a title', () => {
    const entry = only({ title: '', href: '/eurocities/documents/-WSPO-BX0001' })
    expect([entry.title, entry.key, entry.url]).toEqual([null, 'WSPO-BX0001', 'http://www.eurocities.eu/eurocities/documents/-WSPO-BX0001'])
  })

  it('flags a summary cut with "..." and keeps the dots', () => {
    const entry = only({ summary: 'The redevelopment of this area is managed in...' })
    expect([entry.summary, entry.summaryTruncated]).toEqual(['The redevelopment of this area is managed in...', true])
    expect(only({ summary: 'Cut with an ellipsis…' }).summaryTruncated).toBe(true)
  })

  it('decodes entities, keeps non-ASCII and composes to NFC', () => {
    const entry = only({
      title: 'Bra&#x219;ov &amp; M&uuml;nchen',
      summary: `  Mu\u0308nchen&nbsp;&nbsp;and\n  Bras\u0326ov&rsquo;s  plan `,
      themes: ['knowledge&nbsp; society'],
    })
    expect(entry.title).toBe('Brașov & München')
    expect(entry.summary).toBe('München and Brașov’s plan')
    expect(entry.summary).toBe(entry.summary?.normalize('NFC'))
    expect(entry.themes).toEqual(['knowledge society'])
  })

  it('keeps an absolute link on another host', () => {
    expect(only({ href: 'http://wsdomino.eurocities.eu/eurocities/news/X-WSPO-ABC123' }).url).toBe(
      'http://wsdomino.eurocities.eu/eurocities/news/X-WSPO-ABC123',
    )
  })

  it('returns entries in page order', () => {
    const page = parse(listing([item({ href: '/a-WSPO-AAAAA1' }), item({ href: '/b-WSPO-BBBBB2' })]))
    expect(page.entries.map((e) => e.key)).toEqual(['WSPO-AAAAA1', 'WSPO-BBBBB2'])
  })

  it('gives a null next page on the last page', () => {
    expect(parse(listing([item()], null)).nextPage).toBeNull()
  })
})

describe('eurocities-legacy layout errors', () => {
  it('throws on a redesigned page', () => {
    expect(() => parse('<main></main>')).toThrow(LayoutError)
    expect(layoutError('<main></main>').message).toBe(`no entries at #content .newslist > .newsitem (${REF_URL})`)
  })

  it('throws on an empty list rather than returning no entries', () => {
    expect(() => parse(listing([]))).toThrow(LayoutError)
  })

  it('throws on a link without a WSPO id, naming the entry', () => {
    const error = layoutError(listing([item(), item({ href: '/eurocities/documents/Some-title' })]))
    expect(error.message).toMatch(/^entry 2: title link has no WSPO id/)
    expect(error.pageUrl).toBe(REF_URL)
  })

  it('throws on a missing title link', () => {
    const html = listing([item()]).replace(/<h2 class="newstitle">.*?<\/h2>/, '<h2 class="newstitle">Some title</h2>')
    expect(layoutError(html).message).toMatch(/^entry 1: expected one title link/)
  })

  it('throws on an impossible date', () => {
    expect(layoutError(listing([item({ dates: ['publication date: 31-02-2019'] })])).message).toMatch(
      /^entry 1: unparseable date line "publication date: 31-02-2019"/,
    )
  })

  it('throws on an unknown date label', () => {
    expect(() => parse(listing([item({ dates: ['posted: 01-02-2019'] })]))).toThrow(LayoutError)
  })
})
