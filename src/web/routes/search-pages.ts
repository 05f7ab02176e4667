// The entries page (GET /entries): a search form, results with the matched words marked, facets
// to narrow them, pages, and the same search to download or subscribe to. Works without script.
import { searchEntries, type EntryHit, type EntrySearchResult, type FacetCount } from '../../../db/search.ts'
import type { WebApp, WebAppOptions } from '../context.ts'
import { cursorToken, EntrySearchQuery, searchUrl, toEntrySearch, type EntrySearchQueryValue } from '../entry-search-query.ts'
import { href, html, type SafeHtml } from '../html.ts'
import { entryPath } from '../paths.ts'
import { renderPage } from '../layout.ts'
import { markedHtml } from '../marked-text.ts'

type FacetName = 'listing' | 'type' | 'theme' | 'year'

const FACETS: readonly { name: FacetName; label: string }[] = [
  { name: 'listing', label: 'Listing' },
  { name: 'type', label: 'Type' },
  { name: 'theme', label: 'Theme' },
  { name: 'year', label: 'Year' },
]

function chosen(query: EntrySearchQueryValue, name: FacetName): string | null {
  return name === 'year' ? (query.year === null ? null : String(query.year)) : query[name]
}

function searchForm(query: EntrySearchQueryValue): SafeHtml {
  // the facets chosen stay chosen when the words change
  const kept = FACETS.map(({ name }) => {
    const value = chosen(query, name)
    return value === null ? '' : html`<input type="hidden" name="${name}" value="${value}">`
  })
  return html`<form method="get" action="/entries" class="filters" role="search">
<label for="search-words">Words <input id="search-words" type="search" name="q" value="${query.q}" size="40" placeholder='"smart city" -tender or mobility'></label>
<label for="search-sort">Order <select id="search-sort" name="sort">
<option value="relevance"${query.sort === 'relevance' ? html` selected` : ''}>best match</option>
<option value="newest"${query.sort === 'newest' ? html` selected` : ''}>newest</option>
</select></label>
${kept}<button type="submit">Search</button>
</form>`
}

function facetList(query: EntrySearchQueryValue, name: FacetName, label: string, counts: FacetCount[]): SafeHtml {
  const current = chosen(query, name)
  const items = counts.map(({ value, count }) =>
    value === current
      ? html`<li><strong aria-current="true">${value}</strong> (${count}) <a href="${searchUrl('/entries', query, { [name]: null })}">all</a></li>`
      : html`<li><a href="${searchUrl('/entries', query, { [name]: value })}">${value}</a> (${count})</li>`,
  )
  return html`<section class="facet"><h3>${label}</h3>${counts.length === 0 ? html`<p class="muted">none</p>` : html`<ul>${items}</ul>`}</section>`
}

function hitHtml(hit: EntryHit): SafeHtml {
  const link = href(hit.url)
  const title = hit.markedTitle === null || hit.markedTitle === '' ? html`(no title)` : markedHtml(hit.markedTitle)
  const facts = [hit.type, hit.date, hit.themes.join(', ') || null, hit.listings.length > 0 ? `on ${hit.listings.join(', ')}` : null].filter((fact) => fact !== null)
  return html`<li class="hit">
<h3>${link === null ? title : html`<a href="${link}">${title}</a>`}</h3>
<p class="muted">${facts.join(' · ')}</p>
${hit.snippet === null || hit.snippet === '' ? '' : html`<p>${markedHtml(hit.snippet)}</p>`}
${link === null ? html`<p class="muted">link (not a web address): ${hit.url}</p>` : ''}
<p><a href="${entryPath(hit.key)}">Versions and history</a></p>
</li>`
}

function summaryLine(query: EntrySearchQueryValue, result: EntrySearchResult): SafeHtml {
  // an estimate shown to two figures, not as if counted
  const shown = result.exact ? result.total : Number(result.total.toPrecision(2))
  const count = `${result.exact ? '' : 'about '}${shown.toLocaleString('en')} ${result.total === 1 ? 'entry' : 'entries'}`
  // over the bound (db/search.ts), say what the facets and the order cover
  const covered = result.exact
    ? ''
    : html` <span class="muted">Facets${query.sort === 'relevance' && result.mode !== 'all' ? html` and the best-match order` : ''} cover the newest ${result.counted.toLocaleString('en')}; narrow the words or pick a facet to see them all.</span>`
  if (result.mode === 'fuzzy') {
    return html`<p>No entry has these words; ${result.total === 0 ? 'no title is like them either.' : html`${count} with a title like “${query.q.trim()}”.`}${covered}</p>`
  }
  return html`<p>${count.charAt(0).toUpperCase()}${count.slice(1)}${result.mode === 'words' ? html` match “${query.q.trim()}”` : ''}.${covered}</p>`
}

function pager(query: EntrySearchQueryValue, result: EntrySearchResult): SafeHtml {
  const next = cursorToken(result.next)
  const links = [
    query.cursor === undefined || query.cursor === '' ? null : html`<a href="${searchUrl('/entries', query)}">First page</a>`,
    next === null ? null : html`<a href="${searchUrl('/entries', query, { cursor: next })}" rel="next">Next page</a>`,
  ].filter((link) => link !== null)
  return links.length === 0 ? html`` : html`<nav aria-label="Pages" class="pager">${links.map((link, index) => html`${index > 0 ? ' · ' : ''}${link}`)}</nav>`
}

function downloads(query: EntrySearchQueryValue): SafeHtml {
  return html`<p class="downloads">This search as <a href="${searchUrl('/entries.csv', query)}">CSV</a>,
<a href="${searchUrl('/entries.jsonl', query)}">JSON Lines</a>, an <a href="${searchUrl('/entries.atom', query)}">Atom feed</a>,
or <a href="${searchUrl('/api/v1/entries', query)}">JSON</a>.</p>`
}

export default async function searchPages(app: WebApp, options: WebAppOptions): Promise<void> {
  app.get('/entries', { schema: { tags: ['entries'], summary: 'The entries page: search, facets, results', querystring: EntrySearchQuery } }, async (request, reply) => {
    const query = request.query
    const result = await searchEntries(options.db, toEntrySearch(query), options.searchBound)
    const body = html`<h1>Entries</h1>
${searchForm(query)}
<div class="search-results">
<aside aria-labelledby="refine-heading"><h2 id="refine-heading">Refine</h2>${FACETS.map(({ name, label }) => facetList(query, name, label, result.facets[name]))}</aside>
<section aria-labelledby="results-heading">
<h2 id="results-heading">Results</h2>
${summaryLine(query, result)}
${result.hits.length === 0 ? '' : html`<ol class="hits">${result.hits.map(hitHtml)}</ol>`}
${pager(query, result)}
${downloads(query)}
</section>
</div>`
    return reply.send(renderPage(reply, { title: query.q.trim() === '' ? 'Entries' : `Entries: ${query.q.trim()}`, current: 'entries', body }))
  })
}
