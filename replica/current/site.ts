// Routing of the current (WordPress) site: which page a path is at a given step.
import type { PostTheme, ReplicaSite, SiteResponse } from '../types.ts'
import { TOPICS, todayAt, type CurrentPost } from './model.ts'
import { focusListing, LATEST, listingOrder, matchListing, pageCount, pagePath, PAGE_SIZE, topicListing, type CurrentListing } from './listings.ts'
import { cardsOf, driftPage, frame, loadMore, pager } from './render.ts'
import { detailPage, feed, notFoundPage, TOPIC_SCRIPT_PATH, topicFragment, topicPage } from './pages.ts'
import { TOPIC_SCRIPT } from './script.ts'
import { themedDetailPage } from './themes.ts'
import { LAST_STEP, postsAt } from './timeline.ts'
import { nthIndexOf } from '../bytes.ts'

const HTML = 'text/html; charset=UTF-8'
const FRAGMENT = /^\/wp-json\/replica\/v1\/topics\/([a-z-]+)$/
const DETAIL = /^\/latest\/([a-z0-9-]+)\/$/
const TOPIC = /^\/topics\/([a-z-]+)\/$/
// WordPress adds the trailing slash to its pretty permalinks with a 301.
const NO_SLASH = /^\/(?:latest|feed|latest\/[a-z0-9-]+|latest_categories\/[a-z-]+|topics\/[a-z-]+)$/

/** Paths this site answers; everything else belongs to another generation. */
export const CURRENT_PREFIXES = ['/latest', '/topics/', '/feed', '/wp-content/', '/wp-json/']

/** Each step is published a day after the previous one, so Last-Modified moves with it. */
const stepDate = (step: number) => new Date(`${todayAt(step)}T09:00:00Z`)

export function createCurrentSite(): ReplicaSite {
  function page(body: string, step: number, status = 200, contentType = HTML): SiteResponse {
    return { status, contentType, body: Buffer.from(body), lastModified: stepDate(step) }
  }

  function listingResponse(body: string, posts: CurrentPost[], title: string, step: number): SiteResponse {
    const response = page(body, step)
    // Cut before the 4th card, counted in bytes (names like Gdańsk are two bytes a letter).
    const fourth = nthIndexOf(response.body, '<li>\n', 4)
    return { ...response, listing: { drift: () => driftPage(title, posts), truncateAt: fourth > 0 ? fourth : Math.floor(response.body.length / 2) } }
  }

  function ordered(listing: CurrentListing, step: number): CurrentPost[] {
    return listingOrder([...postsAt(step).values()].filter(listing.shows), todayAt(step))
  }

  function serverListing(listing: CurrentListing, n: number, step: number, focus: string | null): SiteResponse | null {
    const all = ordered(listing, step)
    const pages = pageCount(all.length)
    if (n > pages) return null
    const posts = all.slice((n - 1) * PAGE_SIZE, n * PAGE_SIZE)
    const listClass = listing.variant === 2024 ? 'other-story-list mb-60 lastestlist' : 'other-story-list'
    const next = n < pages ? pagePath(listing.path, n + 1) : null
    const body = frame({
      title: n === 1 ? listing.title : `${listing.title} - Page ${n} of ${pages}`,
      canonical: pagePath(listing.path, n),
      bodyClass: listing.kind === 'latest' ? 'page-template page-template-latest' : `archive tax-latest_categories${n > 1 ? ` paged paged-${n}` : ''}`,
      content: [
        `  <h1 class="page-title">${listing.title}</h1>`,
        `  <ul class="${listClass}">`,
        cardsOf(listing, posts),
        '  </ul>',
        listing.kind === 'category' ? loadMore(next) : pager((k) => pagePath(listing.path, k), n, pages, focus === null ? '' : `?_focus_area=${focus}`),
      ],
    })
    return listingResponse(body, posts, listing.title, step)
  }

  function fragment(slug: string, query: URLSearchParams, step: number): SiteResponse | null {
    const listing = topicListing(slug)
    const n = Number(query.get('page') ?? '1')
    if (listing === undefined || !Number.isInteger(n) || n < 1) return null
    const all = ordered(listing, step)
    if (n > pageCount(all.length)) return null
    const posts = all.slice((n - 1) * PAGE_SIZE, n * PAGE_SIZE)
    return listingResponse(topicFragment(slug, n, posts, n * PAGE_SIZE < all.length), posts, listing.title, step)
  }

  function route(path: string, step: number, query: URLSearchParams, theme: PostTheme): SiteResponse | null {
    if (NO_SLASH.test(path)) return { ...page('', step, 301), headers: { Location: `${path}/` } }
    if (path === '/feed/') {
      const posts = [...postsAt(step).values()].sort((a, b) => (a.published < b.published ? 1 : a.published > b.published ? -1 : b.id - a.id))
      return page(feed(posts.slice(0, 10), todayAt(step)), step, 200, 'application/rss+xml; charset=UTF-8')
    }
    if (path === TOPIC_SCRIPT_PATH) return { ...page(TOPIC_SCRIPT, 0, 200, 'text/javascript; charset=UTF-8'), lastModified: stepDate(0) }
    const matched = matchListing(path)
    if (matched !== null && matched.listing.kind !== 'topic') {
      const focus = matched.listing.path === LATEST ? query.get('_focus_area') : null
      const listing = focus === null ? matched.listing : focusListing(focus)
      return listing === undefined ? null : serverListing(listing, matched.page, step, focus)
    }
    const topic = TOPICS.find((t) => t.slug === TOPIC.exec(path)?.[1])
    if (topic !== undefined) return listingResponse(topicPage(topic), [], topic.name, step)
    const fragmentSlug = FRAGMENT.exec(path)?.[1]
    if (fragmentSlug !== undefined) return fragment(fragmentSlug, query, step)
    const slug = DETAIL.exec(path)?.[1]
    if (slug === undefined) return null
    const post = postsAt(step).get(slug)
    if (post !== undefined) return { ...page(themedDetailPage(post, theme), step), drift: () => detailPage(post, false) }
    // WordPress sends an old slug to the post's current one
    const renamed = [...postsAt(step).values()].find((p) => p.formerSlugs?.includes(slug))
    return renamed === undefined ? null : { ...page('', step, 301), headers: { Location: `/latest/${renamed.slug}/` } }
  }

  return {
    lastStep: LAST_STEP,
    resolve: (path, step, query, theme) => route(path, step, query, theme) ?? page(notFoundPage(path), step, 404),
  }
}
