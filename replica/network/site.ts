// Routing and markup of the made-up network, in the layout of tests/fixtures/selectors/third-network.html.
import type { ReplicaSite, SiteResponse } from '../types.ts'
import { itemsAt, itemUrl, NETWORK_LAST_STEP, NETWORK_NEWS, NETWORK_PAGE_SIZE, type NetworkItem } from './data.ts'

const HTML = 'text/html; charset=utf-8'
const DETAIL = /^\/urban-net\/(news|events)\/\d{4}\/([a-z0-9-]+)$/
const esc = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c)

export const NETWORK_PREFIX = '/urban-net/'

export function networkPagePath(page: number): string {
  return page === 1 ? NETWORK_NEWS : `${NETWORK_NEWS}page/${page}/`
}

function result(item: NetworkItem): string {
  const kind = item.kind === null ? '' : `<span class="kind">${esc(item.kind)}</span>`
  return [
    '    <article class="result">',
    `      <header>${kind}<h3 class="result-title"><a href="${esc(itemUrl(item))}">${esc(item.title)}</a></h3></header>`,
    `      <time datetime="${item.datetime}">${item.shown}</time>`,
    ...(item.tags.length === 0 ? [] : [`      <ul class="tags">${item.tags.map((t) => `<li>${t}</li>`).join('')}</ul>`]),
    ...(item.teaser === null ? [] : [`      <p class="teaser">${esc(item.teaser)}</p>`]),
    '    </article>',
  ].join('\n')
}

function frame(title: string, main: string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><title>${title} | Urban Network Europe</title></head>`,
    '<body>',
    `<header><nav><a href="/urban-net/">Home</a> <a href="${NETWORK_NEWS}">News</a></nav></header>`,
    '<main>',
    ...main,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

function pager(page: number, pages: number): string {
  const links = Array.from({ length: pages }, (_, i) => i + 1).map((n) =>
    n === page ? `<span class="current">${n}</span>` : `<a href="${networkPagePath(n)}">${n}</a>`,
  )
  const next = page < pages ? [`<a rel="next" href="${networkPagePath(page + 1)}">Next page</a>`] : []
  return `  <nav class="pager">${[...links, ...next].join(' ')}</nav>`
}

function listingPage(page: number, step: number): SiteResponse | null {
  const all = itemsAt(step)
  const pages = Math.max(1, Math.ceil(all.length / NETWORK_PAGE_SIZE))
  if (page > pages) return null
  const items = all.slice((page - 1) * NETWORK_PAGE_SIZE, page * NETWORK_PAGE_SIZE)
  const body = Buffer.from(
    frame(page === 1 ? 'News' : `News, page ${page}`, [
      '  <h1>News</h1>',
      // Not an entry: the configuration's `.results > article.result` must skip it.
      '  <aside class="featured"><article class="promo"><h3><a href="/urban-net/about/">About the network</a></h3></article></aside>',
      '  <div class="results">',
      ...items.map(result),
      '  </div>',
      pager(page, pages),
    ]),
  )
  // Cut before the 4th entry, like the other sites' truncate fault.
  let fourth = -1
  for (let k = 0; k < 4 && (k === 0 || fourth >= 0); k++) fourth = body.indexOf('<article class="result">', fourth + 1)
  const drift = () => frame('News', ['  <div class="cards">', ...items.map((i) => `    <div class="card"><h4><a href="${esc(itemUrl(i))}">${esc(i.title)}</a></h4></div>`), '  </div>'])
  return { ...html(body, step), listing: { drift, truncateAt: fourth > 0 ? fourth : Math.floor(body.length / 2) } }
}

function html(body: Buffer | string, step: number, status = 200): SiteResponse {
  return { status, contentType: HTML, body: typeof body === 'string' ? Buffer.from(body) : body, lastModified: new Date(Date.parse('2026-06-12T10:00:00Z') + step * 86_400_000) }
}

export function createNetworkSite(): ReplicaSite {
  function route(path: string, step: number, query: URLSearchParams): SiteResponse | null {
    if (path === NETWORK_NEWS) return listingPage(1, step)
    const n = /^\/urban-net\/news\/page\/([1-9]\d*)\/$/.exec(path)?.[1]
    if (n !== undefined) return listingPage(Number(n), step)
    const m = DETAIL.exec(path)
    const item = m === null ? undefined : itemsAt(step).find((i) => i.section === m[1] && i.slug === m[2] && String(i.id) === query.get('id'))
    return item === undefined ? null : html(frame(esc(item.title), [`  <article class="detail"><h1>${esc(item.title)}</h1><p>${esc(item.teaser ?? '')}</p></article>`]), step)
  }
  return {
    lastStep: NETWORK_LAST_STEP,
    resolve: (path, step, query) => route(path, step, query) ?? html(frame('Not found', ['  <h1>Not found</h1>']), step, 404),
  }
}
