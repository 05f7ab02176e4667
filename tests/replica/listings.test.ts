import { describe, expect, it } from 'vitest'
import { legacyListingPaths } from '../../replica/index.ts'
import { crawlPaths, entryIds, getText, replica } from './support.ts'

const PAGES: Record<string, number> = {
  '/eurocities/issues/social-innovation-issue': 3,
  '/eurocities/issues/innovation-issue': 5,
  '/eurocities/issues/smart-cities-issue': 5,
  '/eurocities/documents&sector=social-affairs': 4,
  '/eurocities/issues/migration-integration-issue': 2,
  '/eurocities/allcontent&sector=archive': 5,
}

describe('listings', () => {
  it('lists every listing it serves', () => {
    expect(legacyListingPaths()).toEqual(Object.keys(PAGES))
  })

  it.each(Object.entries(PAGES))('paginates %s into %i pages with the site parameters', async (path, pages) => {
    const r = await replica()
    const paths = await crawlPaths(r, path)
    expect(paths).toHaveLength(pages)
    paths.slice(1).forEach((p, i) => expect(p).toMatch(new RegExp(`&newsstart=${11 + 10 * i}&newscount=10&contentURL=[a-z-]+$`)))
    const ids = (await Promise.all(paths.map(async (p) => entryIds((await getText(r, p)).text)))).flat()
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.length).toBeGreaterThan((pages - 1) * 10)
    const beyond = paths[1]?.replace(/newsstart=\d+/, `newsstart=${1 + 10 * pages}`) ?? ''
    expect((await getText(r, beyond)).status).toBe(404)
  })

  it('answers 404 for parameters the site never wrote', async () => {
    const r = await replica()
    for (const p of ['&newsstart=12&newscount=10', '&newsstart=11&newscount=20', '&newsstart=x']) {
      expect((await getText(r, `/eurocities/issues/innovation-issue${p}`)).status).toBe(404)
    }
    expect((await getText(r, '/eurocities/documents&sector=culture')).status).toBe(404)
  })

  it('serves a 1,000-page archive lazily', async () => {
    const r = await replica({ archivePages: 1000 })
    const started = Date.now()
    const last = await getText(r, '/eurocities/allcontent&sector=archive&newsstart=9991&newscount=10&contentURL=allcontent')
    expect(last.status).toBe(200)
    expect(entryIds(last.text)).toHaveLength(10)
    expect(last.text).not.toContain('class="next"')
    expect(Date.now() - started).toBeLessThan(1000)
    expect((await getText(r, '/eurocities/allcontent&sector=archive&newsstart=10001&newscount=10&contentURL=allcontent')).status).toBe(404)
  })

  it('shows every entry shape on the first pages', async () => {
    const r = await replica()
    const html = (await Promise.all(legacyListingPaths().map(async (p) => (await getText(r, p)).text))).join('\n')
    const shapes: [string, RegExp][] = [
      ['no themes', /<div class="newsitem">\n {4}<h2/],
      ['all six themes', /<li>&bull;&nbsp;cooperation<\/li><li>&bull;&nbsp;culture<\/li><li>&bull;&nbsp;economy<\/li><li>&bull;&nbsp;environment<\/li><li>&bull;&nbsp;knowledge society<\/li><li>&bull;&nbsp;mobility<\/li>/],
      ['empty type', /<span class="newstype"><\/span>/],
      ['event dates', /<span class="newsdate">start date: \d\d-\d\d-\d{4}<\/span><br \/><span class="newsdate">end date: \d\d-\d\d-\d{4}<\/span>/],
      ['document type', /<br \/><span class="doctype">(press releases|brochure\/report|policy publication)<\/span>/],
      ['date with a space', /publication date : \d\d-\d\d-\d{4}/],
      ['case study date', /case study date : \d\d-\d\d-\d{4}/],
      ['no title', /<a href="\/eurocities\/documents\/-WSPO-BX0001"><\/a>/],
      ['cut summary', /\.\.\.<\/div>/],
      ['entities', /&rsquo;|&lsquo;|&amp;/],
      ['non-ASCII', /Braşov|München|Liège/],
    ]
    for (const [shape, re] of shapes) expect(html, shape).toMatch(re)
    for (const type of ['news', 'publication', 'event', 'case study']) expect(html).toContain(`<span class="newstype">${type}</span>`)
  })

  it('serves identical bytes from two replicas', async () => {
    const [a, b] = [await replica({ step: 2 }), await replica({ step: 2 })]
    const paths = [...legacyListingPaths(), '/eurocities/issues/smart-cities-issue&newsstart=41&newscount=10&contentURL=smart-cities-issue']
    for (const p of paths) {
      const [x, y] = [await getText(a, p), await getText(b, p)]
      expect(x.text).toBe(y.text)
      expect(x.headers.get('etag')).toBe(y.headers.get('etag'))
    }
  })
})
