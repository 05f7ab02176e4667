// EUROCITIES current site (WordPress, 2020 onwards): /latest/, /latest_categories/<category>/
// and /topics/<slug>/ share one card list. The markup below is what this parser reads and what
// the replica serves (hrefs absolute on the site's own origin, as WordPress writes them).
//
// 2026 variant:
//   <ul class="other-story-list">
//     <li>
//       <a class="story-thumb" href="https://eurocities.eu/latest/<slug>/"><img src="..." alt="" loading="lazy"></a>
//       <div class="story-content">
//         <div class="story-meta"><span class="meta-cat">News</span><span class="meta-cat">Spotlight</span>
//           <span class="date">25 June 2026</span></div>
//         <h3 class="h4"><a href="https://eurocities.eu/latest/<slug>/">Title</a></h3>
//         <p><a href="https://eurocities.eu/latest/<slug>/">Summary</a></p>      (absent on some cards)
//         <span class="reading-time">5 minute read</span>
//       </div>
//     </li>
//   </ul>
// 2024 variant (title in an h2, inside or around its link; zero-padded dates):
//   <ul class="other-story-list mb-60 lastestlist">
//     <li>
//       <div class="story-meta"><span class="meta-cat">Publications</span><span class="date">02 March 2023</span>
//         <span class="reading-time">3 minutes read</span></div>
//       <a href="https://eurocities.eu/latest/<slug>/"><h2>Title</h2></a>     or  <h2><a href="...">Title</a></h2>
//       <p><a href="https://eurocities.eu/latest/<slug>/">Summary</a></p>
//     </li>
//   </ul>
// Pagination, after the list: either the WordPress pager (paginate_links)
//   <nav class="navigation pagination"><div class="nav-links"><span aria-current="page" class="page-numbers current">1</span>
//     <a class="page-numbers" href=".../page/2/">2</a><a class="next page-numbers" href=".../page/2/">Next</a></div></nav>
// or, on category listings, <button class="load-more" data-next="/latest_categories/news/page/2/">Load more</button>
// whose data-next is the server-rendered page the button would load. The last page has neither.
// A topic page fetched without JavaScript: the topic's description and <ul class="other-story-list" data-topic="mobility"></ul>.
import { load, type CheerioAPI } from 'cheerio'
import { DateTime } from 'luxon'
import type { ListingPage, ParsedEntry, SiteProfile } from '../domain/entry.ts'
import { LayoutError } from '../domain/errors.ts'
import { isTruncatedSummary, normalizeOptionalText, normalizeText, normalizeThemes } from '../domain/normalize.ts'

const LIST_SELECTOR = 'ul.other-story-list'
const CARD_SELECTOR = `${LIST_SELECTOR} > li`
const TITLE_SELECTOR = 'h2, h3'
// The pager is the primary rule; `link[rel=next]` is not read (SEO plugins add or drop it independently).
const PAGER_NEXT_SELECTOR = 'a.next.page-numbers'
const LOAD_MORE_SELECTOR = 'button.load-more'
const DATE_FORMAT = 'd LLLL yyyy' // `d` takes `2` and `02`
// Paths that list entries rather than show one: a card's link to them is not its detail link.
const LISTING_SECTIONS = new Set(['latest_categories', 'topics', 'page', 'tag', 'category', 'author'])

type Selection = ReturnType<ReturnType<CheerioAPI['root']>['find']>

export const eurocities = {
  id: 'eurocities',
  render: 'http',
  // the cards carry no topics: a topic page showing an entry is what gives it that theme
  themeSource: 'listing',
  readySelector: CARD_SELECTOR,
  parseListing,
  // WordPress's feed of the newest posts, whichever listing (category, topic) shows them
  feedUrl: (listingUrl: string) => new URL('/feed/', listingUrl).href,
} satisfies SiteProfile

function parseListing(html: string, pageUrl: string): ListingPage {
  const $ = load(html)
  const cards = $(CARD_SELECTOR).toArray()
  if (cards.length === 0) {
    // An empty list is what a script-filled topic page looks like over plain HTTP, not "no entries".
    if ($(LIST_SELECTOR).length > 0) {
      throw new LayoutError(
        `the list ${LIST_SELECTOR} is empty: the page may fill it with JavaScript and need the browser (render: browser)`,
        pageUrl,
      )
    }
    throw new LayoutError(`no cards at ${CARD_SELECTOR}`, pageUrl)
  }
  return {
    entries: cards.map((card, index) => readCard($, $(card), index + 1, pageUrl)),
    nextPage: readNextPage($, pageUrl),
  }
}

function readCard($: CheerioAPI, card: Selection, position: number, pageUrl: string): ParsedEntry {
  const heading = card.find(TITLE_SELECTOR).first()
  const title = normalizeOptionalText(heading.text())
  const fail = (what: string): never => {
    throw new LayoutError(`card ${position}${title === null ? '' : ` ("${title}")`}: ${what}`, pageUrl)
  }
  if (heading.length === 0) fail(`no title at ${TITLE_SELECTOR}`)
  const url = findDetailUrl($, card, pageUrl) ?? fail('no link to a detail page')
  const summary = normalizeOptionalText(card.find('p > a').first().text())
  const categories = normalizeThemes(card.find('span.meta-cat').toArray().map((span) => $(span).text()))
  return {
    key: url,
    url,
    title,
    type: categories.length === 0 ? null : categories.join(', '),
    date: readDate(card.find('span.date'), fail),
    endDate: null,
    // Themes come from the topic listing that showed the entry; the crawl job accumulates them.
    themes: [],
    summary,
    summaryTruncated: isTruncatedSummary(summary),
    documentType: null,
  }
}

/**
 * The card's detail link: its first a[href] that points to a detail page of this site
 * (same host, `www.` aside; path `/<section>/<slug>/` with a section that is not a listing).
 * One rule for both variants, whether the link sits inside the heading or around it.
 */
function findDetailUrl($: CheerioAPI, card: Selection, pageUrl: string): string | null {
  const page = new URL(pageUrl)
  for (const anchor of card.find('a[href]').toArray()) {
    const href = ($(anchor).attr('href') ?? '').trim()
    if (!URL.canParse(href, pageUrl)) continue
    const url = new URL(href, pageUrl)
    const segments = url.pathname.split('/').filter((segment) => segment !== '')
    const sameSite = bareHost(url.hostname) === bareHost(page.hostname) && /^https?:$/.test(url.protocol)
    const [section] = segments
    if (sameSite && segments.length === 2 && section !== undefined && !LISTING_SECTIONS.has(section)) {
      return canonicalUrl(url)
    }
  }
  return null
}

/** Absolute, no query string or fragment, trailing slash (WordPress permalinks end with one). */
function canonicalUrl(url: URL): string {
  const canonical = new URL(url.href)
  canonical.search = ''
  canonical.hash = ''
  if (!canonical.pathname.endsWith('/')) canonical.pathname += '/'
  return canonical.href
}

function bareHost(hostname: string): string {
  return hostname.replace(/^www\./, '')
}

// A card without a date reads as null; a date we cannot read is a layout change.
function readDate(spans: Selection, fail: (what: string) => never): string | null {
  if (spans.length === 0) return null
  const text = normalizeText(spans.first().text())
  const date = DateTime.fromFormat(text, DATE_FORMAT, { locale: 'en', zone: 'utc' })
  return date.isValid ? date.toISODate() : fail(`unparseable date "${text}" (expected D Month YYYY)`)
}

// Listings have the pager or, on category pages, a Load more button; never read as the last page by mistake.
function readNextPage($: CheerioAPI, pageUrl: string): string | null {
  const pager = $(PAGER_NEXT_SELECTOR).first()
  if (pager.length > 0) return absoluteLink(pager.attr('href'), `${PAGER_NEXT_SELECTOR} has no href`, pageUrl)
  const button = $(LOAD_MORE_SELECTOR).first()
  if (button.length > 0) return absoluteLink(button.attr('data-next'), `${LOAD_MORE_SELECTOR} has no data-next`, pageUrl)
  return null
}

function absoluteLink(href: string | undefined, missing: string, pageUrl: string): string {
  const value = href?.trim() ?? ''
  // A next link we cannot follow must not pass for the last page: that would end the crawl as "complete".
  if (value === '') throw new LayoutError(missing, pageUrl)
  return new URL(value, pageUrl).href
}
