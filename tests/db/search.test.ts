// Full-text search over entries on both backends: rows written as the jobs write them (the store
// of listing pages, the detail store, a real crawl of the replica); entry_search kept by triggers.
import { describe, expect, it } from 'vitest'
import { completeSummary } from '../../db/details.ts'
import { searchByDate, searchEntries, type EntryHit } from '../../db/search.ts'
import { MATCH_END, MATCH_START, type EntrySearch } from '../../domain/entry-search.ts'
import { runPipeline } from '../../jobs/run.ts'
import { resolveProfile } from '../../parsers/index.ts'
import { legacySources } from '../../src/config/defaults.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { replicaCrawlSettings, silentLog, useReplica } from '../support/replica.ts'
import { listing, storeDetail, storeRun, T } from '../support/search-seed.ts'
import { parsedEntry } from './fixtures.ts'

const replica = useReplica()

const ask = (overrides: Partial<EntrySearch> = {}): EntrySearch => ({ words: '', listing: null, type: null, theme: null, year: null, sort: 'relevance', limit: 50, after: null, ...overrides })
const keys = (hits: EntryHit[]) => hits.map((hit) => hit.key)
const marked = (text: string | null) => (text ?? '').replaceAll(MATCH_START, '[').replaceAll(MATCH_END, ']')

const LODZ = parsedEntry(1, { title: 'Łódź turns old factories into housing', summary: 'The city of Łódź renovates its red-brick mills.', type: 'news', date: '2019-03-02', themes: ['economy'] })
const GHENT = parsedEntry(2, { title: 'Ghent cycling plan', summary: 'Bicycles first: the mobility plan of Ghent.', type: 'publication', date: '2021-06-01', themes: ['environment', 'mobility'] })
const MALMO = parsedEntry(3, { title: 'Malmö social innovation lab', summary: 'Citizens and the city co-design services.', type: 'news', date: '2021-01-15', themes: ['cooperation'] })
const UNDATED = parsedEntry(4, { title: 'Kraków air quality', summary: 'Heating stoves banned in the city.', type: null, date: null, themes: [] })

describe.each(backends)('entry search on %s', (backend) => {
  const db = useTestDatabase(backend)

  async function seed(): Promise<{ runId: number; listings: number[] }> {
    const housing = await listing(db(), 'housing')
    const mobility = await listing(db(), 'mobility')
    const runId = await storeRun(db(), housing, T(0), [LODZ, MALMO, UNDATED])
    await storeRun(db(), mobility, T(0), [GHENT, MALMO])
    return { runId, listings: [housing, mobility] }
  }

  it('finds accented words from unaccented ones and the other way round, and marks them in title and snippet', async () => {
    await seed()
    const lodz = await searchEntries(db(), ask({ words: 'lodz' }))
    expect(lodz).toMatchObject({ mode: 'words', total: 1, next: null })
    expect(keys(lodz.hits)).toEqual([LODZ.key])
    expect(marked(lodz.hits[0]?.markedTitle ?? null)).toBe('[Łódź] turns old factories into housing')
    expect(marked(lodz.hits[0]?.snippet ?? null)).toContain('city of [Łódź] renovates')
    expect(keys((await searchEntries(db(), ask({ words: 'KRAKÓW' }))).hits)).toEqual([UNDATED.key])
    expect(keys((await searchEntries(db(), ask({ words: 'malmo' }))).hits)).toEqual([MALMO.key])
  })

  it('reads websearch syntax: stems, phrases, or, minus', async () => {
    await seed()
    const search = async (words: string) => keys((await searchEntries(db(), ask({ words }))).hits).sort()
    expect(await search('factory')).toEqual([LODZ.key])
    expect(await search('"the city of ghent"')).toEqual([])
    expect(await search('"mobility plan"')).toEqual([GHENT.key])
    expect(await search('ghent or malmo')).toEqual([GHENT.key, MALMO.key])
    expect(await search('city -housing')).toEqual([MALMO.key, UNDATED.key])
  })

  it('ranks a title match above a summary match', async () => {
    await seed()
    const result = await searchEntries(db(), ask({ words: 'city' }))
    expect(result.hits.length).toBe(3)
    const plan = await searchEntries(db(), ask({ words: 'plan' }))
    expect(keys(plan.hits)).toEqual([GHENT.key])
    const innovation = await searchEntries(db(), ask({ words: 'mills or innovation' }))
    expect(keys(innovation.hits)).toEqual([MALMO.key, LODZ.key])
  })

  it('counts listings, types, themes and years over the matching set, and filters by each', async () => {
    await seed()
    const all = await searchEntries(db(), ask())
    expect(all.total).toBe(4)
    expect(all.facets).toEqual({
      listing: [{ value: 'housing', count: 3 }, { value: 'mobility', count: 2 }],
      type: [{ value: 'news', count: 2 }, { value: 'publication', count: 1 }],
      theme: [
        { value: 'cooperation', count: 1 }, { value: 'economy', count: 1 }, { value: 'environment', count: 1 }, { value: 'mobility', count: 1 },
      ],
      year: [{ value: '2021', count: 2 }, { value: '2019', count: 1 }],
    })
    const city = await searchEntries(db(), ask({ words: 'city' }))
    expect(city.facets.listing).toEqual([{ value: 'housing', count: 3 }, { value: 'mobility', count: 1 }])
    expect(keys((await searchEntries(db(), ask({ listing: 'mobility' }))).hits)).toEqual([GHENT.key, MALMO.key])
    expect(keys((await searchEntries(db(), ask({ type: 'news' }))).hits)).toEqual([MALMO.key, LODZ.key])
    expect(keys((await searchEntries(db(), ask({ theme: 'mobility' }))).hits)).toEqual([GHENT.key])
    expect(keys((await searchEntries(db(), ask({ year: 2021, words: 'city' }))).hits)).toEqual([MALMO.key])
    expect((await searchEntries(db(), ask({ listing: 'nowhere' }))).total).toBe(0)
  })

  it('lists every entry newest first without words, undated last, page by page', async () => {
    await seed()
    const seen: string[] = []
    let page = await searchEntries(db(), ask({ limit: 3 }))
    expect(page.mode).toBe('all')
    seen.push(...keys(page.hits))
    expect(page.next).not.toBeNull()
    page = await searchEntries(db(), ask({ limit: 3, after: page.next }))
    seen.push(...keys(page.hits))
    expect(page.next).toBeNull()
    expect(seen).toEqual([GHENT.key, MALMO.key, LODZ.key, UNDATED.key])
  })

  it('pages ranked results without losing or repeating one', async () => {
    const housing = await listing(db(), 'housing')
    const many = Array.from({ length: 25 }, (_, i) => parsedEntry(100 + i, { title: `Housing report ${i}`, summary: 'housing '.repeat(1 + (i % 4)) }))
    await storeRun(db(), housing, T(0), many)
    const seen: string[] = []
    let after: EntrySearch['after'] = null
    for (let pages = 0; pages < 10; pages += 1) {
      const page = await searchEntries(db(), ask({ words: 'housing', limit: 7, after }))
      expect(page.total).toBe(25)
      seen.push(...keys(page.hits))
      after = page.next
      if (after === null) break
    }
    expect(seen).toHaveLength(25)
    expect(new Set(seen).size).toBe(25)
  })

  it('sorts matches by date when asked, page by page', async () => {
    await seed()
    const first = await searchEntries(db(), ask({ words: 'city', sort: 'newest', limit: 2 }))
    expect(first.next).toMatchObject({ mode: 'words', key: '2019-03-02' })
    const second = await searchEntries(db(), ask({ words: 'city', sort: 'newest', limit: 2, after: first.next }))
    expect([...keys(first.hits), ...keys(second.hits)]).toEqual([MALMO.key, LODZ.key, UNDATED.key])
    expect(second.next).toBeNull()
  })

  it('reads at most the newest matches past its bound: facets and ranking over those, the total estimated, date order through all', async () => {
    await seed()
    // "city" matches Malmö (2021), Łódź (2019) and the undated Kraków: a bound of 2 reads the first two
    const bounded = await searchEntries(db(), ask({ words: 'city' }), 2)
    expect(bounded).toMatchObject({ mode: 'words', exact: false, counted: 2 })
    expect(bounded.total).toBeGreaterThanOrEqual(3)
    expect(keys(bounded.hits).sort()).toEqual([LODZ.key, MALMO.key].sort())
    expect(bounded.facets.year).toEqual([{ value: '2021', count: 1 }, { value: '2019', count: 1 }])
    expect(bounded.facets.listing).toEqual([{ value: 'housing', count: 2 }, { value: 'mobility', count: 1 }])
    const exact = await searchEntries(db(), ask({ words: 'city' }), 3)
    expect(exact).toMatchObject({ exact: true, counted: 3, total: 3 })
    // by date, every match, page by page, bound or not
    const first = await searchEntries(db(), ask({ words: 'city', sort: 'newest', limit: 2 }), 2)
    const second = await searchEntries(db(), ask({ words: 'city', sort: 'newest', limit: 2, after: first.next }), 2)
    expect([...keys(first.hits), ...keys(second.hits)]).toEqual([MALMO.key, LODZ.key, UNDATED.key])
    expect(keys((await searchByDate(db(), ask({ words: 'city', limit: 10 }))).hits)).toEqual([MALMO.key, LODZ.key, UNDATED.key])
    expect(keys((await searchByDate(db(), ask({ words: 'inovation', limit: 10 }))).hits)).toEqual([MALMO.key])
  })

  it('finds a title despite a misspelt word when the full text finds nothing', async () => {
    await seed()
    const fuzzy = await searchEntries(db(), ask({ words: 'inovation' }))
    expect(fuzzy.mode).toBe('fuzzy')
    expect(keys(fuzzy.hits)).toEqual([MALMO.key])
    expect(fuzzy.total).toBe(1)
    expect(keys((await searchEntries(db(), ask({ words: 'krakow air qualty' }))).hits)).toEqual([UNDATED.key])
    expect(await searchEntries(db(), ask({ words: 'zzqx' }))).toMatchObject({ mode: 'fuzzy', total: 0, hits: [] })
  })

  it('searches the text of the detail page and shows where it matched', async () => {
    const { runId } = await seed()
    expect((await searchEntries(db(), ask({ words: 'tenement' }))).mode).toBe('fuzzy')
    await storeDetail(db(), runId, LODZ.key, 'A long article. The Księży Młyn tenement houses workers of the old mill, now flats.')
    const hit = await searchEntries(db(), ask({ words: 'tenement' }))
    expect(hit.mode).toBe('words')
    expect(keys(hit.hits)).toEqual([LODZ.key])
    expect(marked(hit.hits[0]?.snippet ?? null)).toContain('Księży Młyn [tenement] houses')
    expect(keys((await searchEntries(db(), ask({ words: 'ksiezy mlyn' }))).hits)).toEqual([LODZ.key])
  })

  it('follows a summary completed in place from the entry\'s page', async () => {
    await seed()
    const version = await db().selectFrom('entry_version').innerJoin('entry', 'entry.id', 'entry_version.entry_id')
      .select('entry_version.id').where('entry.entry_key', '=', GHENT.key).executeTakeFirstOrThrow()
    expect(await completeSummary(db(), version.id, 'Bicycles first: the mobility plan of Ghent, with a new tramway.')).toBe(true)
    expect(keys((await searchEntries(db(), ask({ words: 'tramway' }))).hits)).toEqual([GHENT.key])
  })

  it('follows a new version: the old title no longer matches, the new one does, and a new listing counts', async () => {
    const { listings } = await seed()
    const [housing, mobility] = listings as [number, number]
    const renamed = { ...LODZ, title: 'Lodz rebuilds Księży Młyn', summary: 'Flats in a former cotton mill.' }
    await storeRun(db(), housing, T(1), [renamed, MALMO, UNDATED])
    expect((await searchEntries(db(), ask({ words: 'factories' }))).total).toBe(0)
    expect(keys((await searchEntries(db(), ask({ words: 'cotton' }))).hits)).toEqual([LODZ.key])
    expect((await searchEntries(db(), ask({ listing: 'mobility', words: 'cotton' }))).total).toBe(0)
    await storeRun(db(), mobility, T(2), [renamed])
    expect(keys((await searchEntries(db(), ask({ listing: 'mobility', words: 'cotton' }))).hits)).toEqual([LODZ.key])
    expect(await db().selectFrom('entry_search').select('entry_id').execute()).toHaveLength(4)
  })
})

describe.each(backends)('entry search after crawls of the replica on %s', (backend) => {
  const db = useTestDatabase(backend)
  const source = legacySources.find((candidate) => candidate.name === 'documents-social-affairs')
  if (source === undefined) throw new Error('no legacy source documents-social-affairs')
  const DOCUMENTS = { name: source.name, profile: resolveProfile('eurocities-legacy'), url: source.url, maxPages: 50, render: 'http' as const, theme: null }

  it('keeps every crawled entry searchable by its title and its page', async () => {
    replica().setStep(0)
    const deps = { db: db(), now: () => new Date(), log: silentLog }
    const first = await runPipeline(deps, [DOCUMENTS], { ...replicaCrawlSettings(replica()), detailPagesPerRun: 5 }, { removeAfter: 2 })
    const open = await db().selectFrom('entry_version').select(['entry_id', 'title']).where('valid_to_run', 'is', null).execute()
    expect(open.length).toBe(first.crawl.entriesSeen)
    expect((await searchEntries(db(), ask({ limit: 500 }))).total).toBe(open.length)
    const titled = open.find((version) => (version.title ?? '').split(/\s+/).length >= 3)
    if (titled?.title == null) throw new Error('no titled entry crawled')
    const byTitle = await searchEntries(db(), ask({ words: `"${titled.title}"` }))
    expect(byTitle.hits.map((hit) => hit.entryId)).toContain(titled.entry_id)

    const detail = await db().selectFrom('entry_detail').select(['entry_id', 'text']).where('text', 'is not', null).executeTakeFirstOrThrow()
    const word = (detail.text ?? '').split(/[^\p{L}]+/u).filter((w) => w.length > 6).at(-1)
    if (word === undefined) throw new Error('no long word in a detail page')
    expect((await searchEntries(db(), ask({ words: word, limit: 500 }))).hits.map((hit) => hit.entryId)).toContain(detail.entry_id)

    replica().setStep(1)
    await runPipeline(deps, [DOCUMENTS], { ...replicaCrawlSettings(replica()), detailPagesPerRun: 5 }, { removeAfter: 2 })
    const stale = await db().selectFrom('entry_search as s').innerJoin('entry_version as v', 'v.entry_id', 's.entry_id')
      .select('s.entry_id').where('v.valid_to_run', 'is', null).whereRef('v.id', '<>', 's.version_id').execute()
    expect(stale).toEqual([])
    const count = await db().selectFrom('entry').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect((await searchEntries(db(), ask())).total).toBe(count.n)
  })
})
