// Cards and listing pages of the current site, in the markup documented at the top of
// parsers/eurocities.ts (2026 theme, and the 2024 list on the publications archive).
import { CANONICAL_ORIGIN, displayDate, postUrl, type CurrentPost } from './model.ts'
import type { CurrentListing } from './listings.ts'

function meta(p: CurrentPost, padded: boolean): string {
  return `${p.categories.map((c) => `<span class="meta-cat">${c}</span>`).join('')}<span class="date">${displayDate(p.date, padded)}</span>`
}

export function card2026(p: CurrentPost): string {
  const url = postUrl(p.slug)
  return [
    '    <li>',
    `      <a class="story-thumb" href="${url}"><img src="/wp-content/uploads/${p.published.slice(0, 7).replace('-', '/')}/${p.slug}-400x250.jpg" alt="" loading="lazy"></a>`,
    '      <div class="story-content">',
    `        <div class="story-meta">${meta(p, false).replace('<span class="date">', '\n          <span class="date">')}</div>`,
    `        <h3 class="h4"><a href="${url}">${p.titleHtml}</a></h3>`,
    ...(p.summaryHtml === null ? [] : [`        <p><a href="${url}">${p.summaryHtml}</a></p>`]),
    `        <span class="reading-time">${p.readingMinutes} minute read</span>`,
    '      </div>',
    '    </li>',
  ].join('\n')
}

// The 2024 theme: padded dates, "minutes read", the h2 inside the link or around it.
export function card2024(p: CurrentPost): string {
  const url = postUrl(p.slug)
  return [
    '      <li>',
    `        <div class="story-meta">${meta(p, true)}`,
    `          <span class="reading-time">${p.readingMinutes} minutes read</span></div>`,
    p.id % 2 === 0 ? `        <a href="${url}"><h2>${p.titleHtml}</h2></a>` : `        <h2><a href="${url}">${p.titleHtml}</a></h2>`,
    ...(p.summaryHtml === null ? [] : [`        <p><a href="${url}">${p.summaryHtml}</a></p>`]),
    '      </li>',
  ].join('\n')
}

export function cardsOf(listing: Pick<CurrentListing, 'variant'>, posts: CurrentPost[]): string {
  return posts.map(listing.variant === 2024 ? card2024 : card2026).join('\n')
}

export function frame(o: { title: string; canonical: string; bodyClass: string; content: string[]; head?: string[] }): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en-GB">',
    '<head>',
    '<meta charset="UTF-8">',
    `<title>${o.title} - Eurocities</title>`,
    `<link rel="canonical" href="${CANONICAL_ORIGIN}${o.canonical}">`,
    ...(o.head ?? []),
    '</head>',
    `<body class="${o.bodyClass}">`,
    '<header class="site-header"><nav class="main-navigation"><ul class="menu">',
    `  <li class="menu-item"><a href="${CANONICAL_ORIGIN}/about-us/">About us</a></li>`,
    `  <li class="menu-item"><a href="${CANONICAL_ORIGIN}/latest/">Latest</a></li>`,
    '</ul></nav></header>',
    '<main id="main" class="site-main">',
    ...o.content,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

/** The WordPress pager (paginate_links): absolute hrefs; `suffix` keeps a facet filter. */
export function pager(pathOf: (page: number) => string, page: number, pages: number, suffix = ''): string {
  if (pages <= 1) return ''
  const href = (n: number) => `${CANONICAL_ORIGIN}${pathOf(n)}${suffix}`
  const links = Array.from({ length: pages }, (_, i) => i + 1).map((n) =>
    n === page ? `<span aria-current="page" class="page-numbers current">${n}</span>` : `<a class="page-numbers" href="${href(n)}">${n}</a>`,
  )
  const prev = page > 1 ? [`<a class="prev page-numbers" href="${href(page - 1)}">Previous</a>`] : []
  const next = page < pages ? [`<a class="next page-numbers" href="${href(page + 1)}">Next</a>`] : []
  return `  <nav class="navigation pagination" aria-label="Posts"><div class="nav-links">${[...prev, ...links, ...next].join('\n    ')}</div></nav>`
}

/** Category archives end with a Load more button pointing at the next server-rendered page. */
export function loadMore(nextPath: string | null): string {
  return nextPath === null ? '' : `  <div class="load-more-wrap"><button class="load-more" data-next="${nextPath}">Load more</button></div>`
}

/** The same posts as a redesign would print them: no `ul.other-story-list` (layout-drift fault). */
export function driftPage(title: string, posts: CurrentPost[]): string {
  const cards = posts.map((p) => `  <article class="post-card"><h3><a href="${postUrl(p.slug)}">${p.titleHtml}</a></h3><time>${p.date}</time></article>`)
  return frame({ title, canonical: '/latest/', bodyClass: 'redesign', content: ['  <section class="post-grid">', ...cards, '  </section>'] })
}
