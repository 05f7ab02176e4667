import { describe, expect, it } from 'vitest'
import { eurocities } from '../../parsers/eurocities.ts'
import { LayoutError } from '../../domain/errors.ts'
import { currentListingPaths, FILL_DELAY_MS, TOPIC_SCRIPT_PATH, topicFragmentPath } from '../../replica/index.ts'
import { getText, replica } from './support.ts'
import { CANONICAL, crawlListing, parsePage } from './current-support.ts'

const CATEGORIES = ['news', 'opinion', 'publications', 'policy-papers', 'events'].map((c) => `/latest_categories/${c}/`)
const TOPICS = ['mobility', 'climate', 'culture', 'social-affairs', 'digital']
const TODAY = '2026-06-25'

/** Every card of a topic, through the fragment endpoint the topic script uses. */
async function topicKeys(r: Awaited<ReturnType<typeof replica>>, slug: string): Promise<string[]> {
  const keys: string[] = []
  for (let page = 1; ; page++) {
    const { status, text } = await getText(r, topicFragmentPath(slug, page))
    if (status === 404) return keys
    keys.push(...eurocities.parseListing(text, CANONICAL + topicFragmentPath(slug, page)).entries.map((e) => e.key))
  }
}

describe('current site replica: server-rendered listings', () => {
  it('lists its page-1 paths', () => {
    expect(currentListingPaths()).toEqual(['/latest/', ...CATEGORIES, ...TOPICS.map((t) => `/topics/${t}/`)])
  })

  it('parses every page of /latest/ with the real parser, pager to the end', async () => {
    const r = await replica()
    const { paths, entries, pages } = await crawlListing(r, '/latest/')
    expect(paths).toEqual(['/latest/', '/latest/page/2/', '/latest/page/3/', '/latest/page/4/', '/latest/page/5/'])
    expect(entries).toHaveLength(45)
    expect(new Set(entries.map((e) => e.key)).size).toBe(45)
    for (const e of entries) expect(e.key).toMatch(/^https:\/\/eurocities\.eu\/latest\/[a-z0-9-]+\/$/)
    expect(pages.every((html) => html.includes('class="next page-numbers"') || html === pages[4])).toBe(true)
    // Events with future dates come after all the dated posts.
    const future = entries.map((e) => (e.date ?? '') > TODAY)
    expect(future.indexOf(true)).toBe(40)
    expect(future.slice(40).every(Boolean)).toBe(true)
    expect(entries.slice(40).every((e) => e.type === 'Events' || e.type === 'Events, Spotlight')).toBe(true)
    expect(entries.some((e) => e.summary === null)).toBe(true)
    expect(entries.some((e) => (e.type ?? '').includes(', '))).toBe(true)
  })

  it('parses every category to the end, following its Load more button', async () => {
    const r = await replica()
    const counts: Record<string, number> = {}
    for (const path of CATEGORIES) {
      const { paths, entries, pages } = await crawlListing(r, path)
      counts[path] = entries.length
      expect(paths.slice(1)).toEqual(paths.slice(1).map((_, i) => `${path}page/${i + 2}/`))
      for (const html of pages) expect(html).not.toContain('page-numbers')
      pages.slice(0, -1).forEach((html, i) => expect(html).toContain(`<button class="load-more" data-next="${path}page/${i + 2}/">`))
      expect(pages.at(-1)).not.toContain('load-more"')
      const label = { news: 'News', opinion: 'Opinion', publications: 'Publications', 'policy-papers': 'Policy papers', events: 'Events' }[path.split('/')[2] ?? '']
      for (const e of entries) expect(e.type?.split(', ')).toContain(label)
    }
    expect(counts).toEqual({
      '/latest_categories/news/': 21, '/latest_categories/opinion/': 4, '/latest_categories/publications/': 10,
      '/latest_categories/policy-papers/': 2, '/latest_categories/events/': 8,
    })
  })

  it('prints publications in the 2024 markup (h2 titles, padded dates) and the others in the 2026 one', async () => {
    const r = await replica()
    const pub = (await getText(r, '/latest_categories/publications/')).text
    expect(pub).toContain('<ul class="other-story-list mb-60 lastestlist">')
    expect(pub).toMatch(/<span class="date">0\d [A-Z][a-z]+ 2026<\/span>/)
    expect(pub).toContain('minutes read')
    expect(pub).toMatch(/<a href="[^"]+"><h2>/)
    expect(pub).toMatch(/<h2><a href=/)
    const news = (await getText(r, '/latest_categories/news/')).text
    expect(news).toContain('<ul class="other-story-list">')
    expect(news).toContain('<h3 class="h4">')
  })

  it('filters /latest/ by focus area on the server, the pager keeping the filter', async () => {
    const r = await replica()
    const { paths, entries } = await crawlListing(r, '/latest/?_focus_area=mobility')
    expect(paths[1]).toBe('/latest/page/2/?_focus_area=mobility')
    expect(entries.map((e) => e.key)).toEqual(await topicKeys(r, 'mobility'))
    expect((await getText(r, '/latest/?_focus_area=nowhere')).status).toBe(404)
  })

  it('answers 404 beyond the last page, 301 without the trailing slash', async () => {
    const r = await replica()
    expect((await getText(r, '/latest/page/6/')).status).toBe(404)
    expect((await getText(r, '/latest_categories/news/page/4/')).status).toBe(404)
    expect((await getText(r, '/latest_categories/unknown/')).status).toBe(404)
    const moved = await getText(r, '/latest')
    expect([moved.status, moved.headers.get('location')]).toEqual([301, '/latest/'])
  })
})

describe('current site replica: script-filled topic pages', () => {
  it('sends an empty list over plain HTTP: the parser asks for the browser', async () => {
    const r = await replica()
    for (const slug of TOPICS) {
      const { status, text } = await getText(r, `/topics/${slug}/`)
      expect(status).toBe(200)
      expect(text).toContain(`<ul class="other-story-list" data-topic="${slug}"></ul>`)
      expect(text).toContain(`<script src="${TOPIC_SCRIPT_PATH}?ver=3.4.1" defer></script>`)
      expect(() => eurocities.parseListing(text, `${CANONICAL}/topics/${slug}/`)).toThrow(LayoutError)
      expect(() => eurocities.parseListing(text, `${CANONICAL}/topics/${slug}/`)).toThrow(/need the browser/)
    }
  })

  it('serves the topic script: plain DOM and fetch, a delay, data-loaded on the list', async () => {
    const r = await replica()
    const { status, text, headers } = await getText(r, `${TOPIC_SCRIPT_PATH}?ver=3.4.1`)
    expect(status).toBe(200)
    expect(headers.get('content-type')).toMatch(/javascript/)
    expect(text).toContain(`}, ${FILL_DELAY_MS});`)
    expect(text).toContain("list.setAttribute('data-loaded', 'true')")
    expect(text).toContain("'/wp-json/replica/v1/topics/'")
    expect(() => new Function(text)).not.toThrow()
  })

  it('gives a topic its cards ten at a page through the fragment endpoint, chained by Load more', async () => {
    const r = await replica()
    const { text } = await getText(r, topicFragmentPath('mobility', 1))
    const page1 = eurocities.parseListing(text, CANONICAL + topicFragmentPath('mobility', 1))
    expect(page1.entries).toHaveLength(10)
    expect(page1.nextPage).toBe(CANONICAL + topicFragmentPath('mobility', 2))
    const all = await topicKeys(r, 'mobility')
    expect(all.length).toBeGreaterThan(10)
    expect(all.slice(0, 10)).toEqual(page1.entries.map((e) => e.key))
    const last = (await getText(r, topicFragmentPath('mobility', 2))).text
    expect(last).not.toContain('load-more')
    const counts = Object.fromEntries(await Promise.all(TOPICS.map(async (slug) => [slug, (await topicKeys(r, slug)).length])))
    expect(counts).toEqual({ mobility: 20, climate: 10, culture: 16, 'social-affairs': 12, digital: 9 })
    expect((await getText(r, '/wp-json/replica/v1/topics/mobility?page=9')).status).toBe(404)
    expect((await getText(r, '/wp-json/replica/v1/topics/nowhere?page=1')).status).toBe(404)
  })
})

describe('current site replica: details, feed, determinism', () => {
  it('serves detail pages at the path of the canonical URL', async () => {
    const r = await replica()
    const { page } = await parsePage(r, '/latest/')
    for (const e of page.entries) {
      const { status, text } = await getText(r, e.url.slice(CANONICAL.length))
      expect(status).toBe(200)
      expect(text).toContain(`<link rel="canonical" href="${e.url}">`)
    }
    expect((await getText(r, '/latest/no-such-post/')).status).toBe(404)
  })

  it('serves an RSS 2.0 feed of the latest ten posts, escaped', async () => {
    const r = await replica()
    const { status, text, headers } = await getText(r, '/feed/')
    expect(status).toBe(200)
    expect(headers.get('content-type')).toMatch(/^application\/rss\+xml/)
    expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"')).toBe(true)
    expect(text.match(/<item>/g)).toHaveLength(10)
    expect(text).toContain('<title>Affordable housing: Málaga &amp; Vienna</title>')
    // Only XML's own entities: HTML names like &rsquo; would make the feed invalid.
    expect(text.replace(/<!\[CDATA\[[^\]]*\]\]>/g, '')).not.toMatch(/&(?!(?:amp|lt|gt|quot|apos|#\d+);)/)
  })

  it('serves the same bytes from two replicas', async () => {
    const [a, b] = [await replica(), await replica()]
    const paths = ['/latest/', '/latest/page/5/', '/latest_categories/publications/page/2/', '/topics/culture/', topicFragmentPath('culture', 2), '/feed/']
    for (const path of paths) expect((await getText(a, path)).text).toBe((await getText(b, path)).text)
  })
})
