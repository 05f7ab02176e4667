// The entries page, its JSON API and its downloads through app.inject(), on both backends, over
// entries stored as the jobs store them.
import { describe, expect, it } from 'vitest'
import { buildWebApp, type WebApp } from '../../src/web/app.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { listing, storeDetail, storeRun, T } from '../support/search-seed.ts'
import { parsedEntry } from '../db/fixtures.ts'

const LODZ = parsedEntry(1, { title: 'Łódź turns old factories into housing', summary: 'The city of Łódź renovates its red-brick mills.', type: 'news', date: '2019-03-02', themes: ['economy'] })
const GHENT = parsedEntry(2, { title: 'Ghent cycling plan', summary: 'Bicycles first: the mobility plan of Ghent.', type: 'publication', date: '2021-06-01', themes: ['mobility'] })
const HOSTILE = parsedEntry(3, {
  title: '<script>alert(1)</script> Lodz \u202Egnp.exe',
  url: 'javascript:alert(1)',
  summary: '=HYPERLINK("http://evil") <img src=x onerror=alert(1)> in the city',
  type: 'news', date: '2020-05-05', themes: [],
})

interface EntryList {
  items: { key: string; title: string | null; snippet: string | null; listings: string[] }[]
  next: string | null
  total: number
  mode: string
  facets: Record<'listing' | 'type' | 'theme' | 'year', { value: string; count: number }[]>
}

describe.each(backends)('entry search over the web on %s', (backend) => {
  const db = useTestDatabase(backend)

  async function app(searchBound?: number): Promise<WebApp> {
    const housing = await listing(db(), 'housing')
    const mobility = await listing(db(), 'mobility')
    const runId = await storeRun(db(), housing, T(0), [LODZ, HOSTILE])
    await storeRun(db(), mobility, T(0), [GHENT])
    await storeDetail(db(), runId, LODZ.key, 'The Księży Młyn tenement houses workers of the old mill.')
    return buildWebApp({ db: db(), now: () => T(5), secureCookies: false, sources: ['housing', 'mobility'], searchBound })
  }

  it('finds "Łódź" from "lodz" and marks the words in <mark>, with the site\'s markup inert', async () => {
    const web = await app()
    const page = await web.inject({ method: 'GET', url: '/entries?q=lodz' })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toContain('text/html')
    expect(page.body).toContain('<mark>Łódź</mark> turns old factories into housing')
    expect(page.body).toContain('2 entries match “lodz”')
    expect(page.body).not.toMatch(/<script>alert|<img src=x|href="javascript:|\u202E|[\u0001\u0002]/)
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; <mark>Lodz</mark>')
    const detail = await web.inject({ method: 'GET', url: '/entries?q=tenement' })
    expect(detail.body).toContain('Księży Młyn <mark>tenement</mark> houses')
  })

  it('shows facets as links that narrow the search, pages, and the downloads of the same search', async () => {
    const web = await app()
    const page = await web.inject({ method: 'GET', url: '/entries?q=city' })
    expect(page.body).toContain('<a href="/entries?q=city&amp;listing=housing">housing</a> (2)')
    const narrowed = await web.inject({ method: 'GET', url: '/entries?q=city&listing=housing&type=news' })
    expect(narrowed.body).toContain('<strong aria-current="true">housing</strong> (2)')
    expect(narrowed.body).toContain('<input type="hidden" name="listing" value="housing">')
    expect(narrowed.body).toContain('href="/entries.csv?q=city&amp;listing=housing&amp;type=news"')
    expect(narrowed.body).toContain('href="/entries.atom?q=city&amp;listing=housing&amp;type=news"')
    const first = await web.inject({ method: 'GET', url: '/entries?limit=2' })
    const next = /href="(\/entries\?cursor=[^"]+)" rel="next"/.exec(first.body)?.[1]
    expect(next).toBeDefined()
    const second = await web.inject({ method: 'GET', url: (next ?? '').replaceAll('&amp;', '&') + '&limit=2' })
    expect(second.body).toContain('Łódź turns old factories')
    expect(second.body).not.toContain('rel="next"')
  })

  it('answers JSON pages with a cursor and a weak ETag, and 304 to a client that has it', async () => {
    const web = await app()
    const response = await web.inject({ method: 'GET', url: '/api/v1/entries?limit=2' })
    expect(response.statusCode).toBe(200)
    const body = response.json() as EntryList
    expect(body).toMatchObject({ total: 3, mode: 'all' })
    expect(body.items.map((item) => item.key)).toEqual([GHENT.key, HOSTILE.key])
    expect(body.facets.listing).toEqual([{ value: 'housing', count: 2 }, { value: 'mobility', count: 1 }])
    const etag = String(response.headers.etag)
    expect(etag).toMatch(/^W\/"/)
    const again = await web.inject({ method: 'GET', url: '/api/v1/entries?limit=2', headers: { 'if-none-match': etag } })
    expect(again.statusCode).toBe(304)
    expect(again.body).toBe('')
    const rest = (await web.inject({ method: 'GET', url: `/api/v1/entries?limit=2&cursor=${body.next}` })).json() as EntryList
    expect(rest).toMatchObject({ next: null, items: [{ key: LODZ.key }] })
    const fuzzy = (await web.inject({ method: 'GET', url: '/api/v1/entries?q=cyclin%20plann' })).json() as EntryList
    expect(fuzzy).toMatchObject({ mode: 'fuzzy', items: [{ key: GHENT.key }] })
    const words = (await web.inject({ method: 'GET', url: '/api/v1/entries?q=mills' })).json() as EntryList
    expect(words.items[0]?.snippet).toMatch(/red-brick mills\. … The Księży Młyn tenement houses workers of the old mill/)
  })

  it('refuses a bad cursor, limit or year with one line', async () => {
    const web = await app()
    const cursor = await web.inject({ method: 'GET', url: '/api/v1/entries?cursor=nonsense' })
    expect(cursor.statusCode).toBe(400)
    expect(cursor.json()).toMatchObject({ error: 400, message: expect.stringContaining('cursor') })
    // a cursor of another order is not one of this search
    const byRank = (await web.inject({ method: 'GET', url: '/api/v1/entries?q=city&limit=1' })).json() as EntryList
    expect((await web.inject({ method: 'GET', url: `/api/v1/entries?q=city&sort=newest&cursor=${byRank.next}` })).statusCode).toBe(400)
    expect((await web.inject({ method: 'GET', url: '/api/v1/entries?limit=501' })).statusCode).toBe(400)
    const page = await web.inject({ method: 'GET', url: '/entries?year=nineteen' })
    expect(page.statusCode).toBe(400)
    expect(page.headers['content-type']).toContain('text/html')
  })

  it('past the most matches a search reads (1 here), says the count is an estimate and what the facets and the order cover; a download still holds every match', async () => {
    // "city" matches the hostile entry (2020) and Łódź (2019): a bound of 1 reads the newer
    const web = await app(1)
    const page = await web.inject({ method: 'GET', url: '/entries?q=city' })
    expect(page.body).toMatch(/<p>About \d+ entries match “city”\. <span class="muted">Facets and the best-match order cover the newest 1; narrow the words or pick a facet to see them all\.<\/span><\/p>/)
    const body = (await web.inject({ method: 'GET', url: '/api/v1/entries?q=city' })).json() as EntryList & { exact: boolean; counted: number }
    expect(body).toMatchObject({ exact: false, counted: 1, mode: 'words' })
    expect(body.total).toBeGreaterThanOrEqual(2)
    expect(body.facets.year).toEqual([{ value: '2020', count: 1 }])
    expect(body.items.map((item) => item.key)).toEqual([HOSTILE.key])
    const csv = await web.inject({ method: 'GET', url: '/entries.csv?q=city' })
    expect(csv.body.trimEnd().split('\r\n')).toHaveLength(3)
  })

  it('downloads every match as CSV and JSON Lines, formulas defused', async () => {
    const web = await app()
    const csv = await web.inject({ method: 'GET', url: '/entries.csv?q=city' })
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.headers['content-disposition']).toContain('entries.csv')
    const lines = csv.body.trimEnd().split('\r\n')
    expect(lines[0]).toBe('key,url,title,type,date,themes,listings,summary,seen_at')
    expect(lines).toHaveLength(3)
    expect(csv.body).toContain(`"'=HYPERLINK(""http://evil"")`)
    const jsonl = await web.inject({ method: 'GET', url: '/entries.jsonl' })
    const items = jsonl.body.trimEnd().split('\n').map((line) => JSON.parse(line) as { key: string })
    expect(items.map((item) => item.key)).toEqual([GHENT.key, HOSTILE.key, LODZ.key])
  })

  it('serves the search as an Atom feed, newest first, one item per version, text escaped', async () => {
    const web = await app()
    const feed = await web.inject({ method: 'GET', url: '/entries.atom?q=city', headers: { host: 'watch.example' } })
    expect(feed.statusCode).toBe(200)
    expect(feed.headers['content-type']).toContain('application/atom+xml')
    expect(feed.body).toContain('<id>http://watch.example/entries.atom?q=city&amp;sort=newest</id>')
    const ids = [...feed.body.matchAll(/<id>(urn:eurowatch:entry:[^<]+)<\/id>/g)].map((match) => match[1])
    expect(ids.map((id) => id?.split(':')[3])).toEqual([HOSTILE.key, LODZ.key])
    expect(feed.body).not.toMatch(/<script>|<img /)
  })

  it('documents the JSON route in the OpenAPI document', async () => {
    const web = await app()
    const document = (await web.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, { get?: { tags?: string[]; parameters?: { name: string }[] } }> }
    const route = document.paths['/api/v1/entries']?.get
    expect(route?.tags).toEqual(['entries'])
    expect(route?.parameters?.map((parameter) => parameter.name)).toEqual(expect.arrayContaining(['q', 'listing', 'type', 'theme', 'year', 'sort', 'cursor', 'limit']))
  })
})
