// Entry search as JSON (GET /api/v1/entries) and as downloads of the whole matching set
// (/entries.csv, /entries.jsonl) or a feed of its newest (/entries.atom): one query string, the
// page's (src/web/entry-search-query.ts).
import { Readable } from 'node:stream'
import { Feed } from 'feed'
import { z } from 'zod'
import { searchByDate, searchEntries, type EntryHit, type EntrySearchResult } from '../../../db/search.ts'
import type { EntrySearch } from '../../../domain/entry-search.ts'
import { csvLines } from '../../reports/archive-fields.ts'
import { webUrl } from '../../reports/fields.ts'
import { escapeHtml } from '../../reports/html.ts'
import { siteText } from '../../reports/site-text.ts'
import type { WebApp, WebAppOptions } from '../context.ts'
import { cursorToken, EntrySearchQuery, searchUrl, toEntrySearch } from '../entry-search-query.ts'
import { unmarked } from '../marked-text.ts'

const FacetCounts = z.array(z.object({ value: z.string(), count: z.number().int() }))

const EntryItem = z.object({
  key: z.string().describe('WSPO id or canonical URL'),
  url: z.string(),
  title: z.string().nullable(),
  type: z.string().nullable(),
  date: z.string().nullable().describe('YYYY-MM-DD'),
  themes: z.array(z.string()),
  summary: z.string().nullable(),
  listings: z.array(z.string()).describe('source names of the listings it was seen on'),
  snippet: z.string().nullable().describe('where the words matched in the summary and page text'),
  rank: z.number().nullable().describe('higher is better; null without words'),
  seenAt: z.string().describe('when this version was first seen'),
})

const EntryList = z.object({
  items: z.array(EntryItem),
  next: z.string().nullable().describe('the cursor of the next page; null on the last'),
  total: z.number().int().describe('how many entries match: exact when `exact`, else the database\'s estimate'),
  exact: z.boolean().describe('false when more entries match than a search reads (see `counted`)'),
  counted: z.number().int().describe('how many of the newest matches the facets and the best-match order cover: all of them when `exact`'),
  mode: z.enum(['all', 'words', 'fuzzy']).describe('fuzzy: the words matched no text, these titles are alike'),
  facets: z.object({ listing: FacetCounts, type: FacetCounts, theme: FacetCounts, year: FacetCounts }),
})

type EntryItemJson = z.infer<typeof EntryItem>

function itemOf(hit: EntryHit): EntryItemJson {
  return {
    key: hit.key, url: hit.url, title: hit.title, type: hit.type, date: hit.date, themes: hit.themes, summary: hit.summary, listings: hit.listings,
    snippet: hit.snippet === null ? null : unmarked(hit.snippet), rank: hit.rank, seenAt: hit.seenAt.toISOString(),
  }
}

function listOf(result: EntrySearchResult): z.infer<typeof EntryList> {
  return { items: result.hits.map(itemOf), next: cursorToken(result.next), total: result.total, exact: result.exact, counted: result.counted, mode: result.mode, facets: result.facets }
}

const DOWNLOAD_PAGE = 500
const FEED_ITEMS = 50
const CSV_HEADER = ['key', 'url', 'title', 'type', 'date', 'themes', 'listings', 'summary', 'seen_at']

/** Every hit of the search, newest first, a page of 500 at a time (a download reads the whole matching set). */
async function* allHits(options: WebAppOptions, search: EntrySearch): AsyncGenerator<EntryHit[]> {
  let after = search.after
  for (;;) {
    const page = await searchByDate(options.db, { ...search, limit: DOWNLOAD_PAGE, after })
    yield page.hits
    if (page.next === null) return
    after = page.next
  }
}

async function* csvOf(pages: AsyncGenerator<EntryHit[]>): AsyncGenerator<string> {
  yield csvLines([CSV_HEADER])
  for await (const hits of pages) {
    yield csvLines(hits.map((hit) => [hit.key, hit.url, hit.title, hit.type, hit.date, hit.themes.join('; '), hit.listings.join('; '), hit.summary, hit.seenAt.toISOString()]))
  }
}

async function* jsonLinesOf(pages: AsyncGenerator<EntryHit[]>): AsyncGenerator<string> {
  for await (const hits of pages) yield hits.map((hit) => `${JSON.stringify(itemOf(hit))}\n`).join('')
}

export default async function searchApi(app: WebApp, options: WebAppOptions): Promise<void> {
  app.get('/api/v1/entries', {
    schema: { tags: ['entries'], summary: 'Search entries: words, filters, facets, a page at a time', querystring: EntrySearchQuery, response: { 200: EntryList } },
  }, async (request) => {
    const body = listOf(await searchEntries(options.db, toEntrySearch(request.query), options.searchBound))
    return body
  })

  const download = { tags: ['entries'], querystring: EntrySearchQuery.omit({ cursor: true, limit: true }), hide: true }
  app.get('/entries.csv', { schema: { ...download, summary: 'Every entry the search finds, newest first, as CSV' } }, async (request, reply) => {
    const pages = allHits(options, toEntrySearch({ ...request.query, limit: DOWNLOAD_PAGE }))
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="entries.csv"').send(Readable.from(csvOf(pages)))
  })
  app.get('/entries.jsonl', { schema: { ...download, summary: 'Every entry the search finds, newest first, as JSON Lines' } }, async (request, reply) => {
    const pages = allHits(options, toEntrySearch({ ...request.query, limit: DOWNLOAD_PAGE }))
    return reply.type('application/jsonl; charset=utf-8').header('content-disposition', 'attachment; filename="entries.jsonl"').send(Readable.from(jsonLinesOf(pages)))
  })
  app.get('/entries.atom', { schema: { ...download, summary: 'The newest entries the search finds, as an Atom feed' } }, async (request, reply) => {
    // a feed is read as a stream of news: newest first, whatever order the page shows
    const query = { ...request.query, sort: 'newest' as const, limit: FEED_ITEMS }
    const result = await searchByDate(options.db, toEntrySearch(query))
    const origin = `${request.protocol}://${request.host}`
    const page = `${origin}${searchUrl('/entries', query)}`
    const newest = result.hits.reduce((latest, hit) => (hit.seenAt > latest ? hit.seenAt : latest), new Date(0))
    const feed = new Feed({
      // the search itself, so a reader keeps one feed per search
      id: `${origin}${searchUrl('/entries.atom', query)}`,
      title: query.q.trim() === '' ? 'eurowatch: entries' : `eurowatch: entries matching ${siteText(query.q.trim())}`,
      updated: result.hits.length > 0 ? newest : options.now(),
      generator: 'eurowatch',
      copyright: '',
      link: page,
    })
    for (const hit of result.hits) {
      feed.addItem({
        // one item per version: a changed entry comes back as news
        id: `urn:eurowatch:entry:${hit.key}:${hit.versionId}`,
        // Atom titles and contents are declared type="html": the site's text must reach readers as text
        title: escapeHtml(siteText(hit.title ?? '(no title)')),
        link: webUrl(hit.url) ?? page,
        date: hit.seenAt,
        description: escapeHtml(siteText([hit.type, hit.date, hit.themes.join(', ') || null, hit.summary].filter((part) => part).join(' | '))),
        category: [...hit.listings, ...hit.themes].map((name) => ({ name: siteText(name) })),
      })
    }
    return reply.type('application/atom+xml; charset=utf-8').send(`${feed.atom1()}\n`)
  })
}
