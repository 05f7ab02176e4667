import { readFileSync } from 'node:fs'
import { describe, it, expect } from 'vitest'
import { eurocities } from '../../parsers/eurocities.ts'
import type { ParsedEntry } from '../../domain/entry.ts'
import { LayoutError } from '../../domain/errors.ts'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/eurocities/${name}`, import.meta.url), 'utf8')
const LATEST = 'https://eurocities.eu/latest/'

function layoutError(html: string, pageUrl = LATEST): LayoutError {
  try {
    eurocities.parseListing(html, pageUrl)
  } catch (error) {
    if (error instanceof LayoutError) return error
    throw error
  }
  throw new Error('expected a LayoutError')
}

const entry = (fields: Partial<ParsedEntry> & Pick<ParsedEntry, 'key'>): ParsedEntry => ({
  url: fields.key,
  title: null,
  type: null,
  date: null,
  endDate: null,
  themes: [],
  summary: null,
  summaryTruncated: false,
  documentType: null,
  ...fields,
})

describe('eurocities /latest/ (2026 markup)', () => {
  const page = eurocities.parseListing(fixture('latest-2026.html'), LATEST)

  it('reads every card exactly, events with future dates after the news, in page order', () => {
    expect(page.entries).toEqual([
      entry({
        key: 'https://eurocities.eu/latest/cities-lead-the-way-on-clean-air/',
        title: 'Cities lead the way on clean air',
        type: 'News, Spotlight',
        date: '2026-06-25',
        summary: 'Forty mayors commit to cutting nitrogen dioxide levels by half before 2030.',
      }),
      entry({
        key: 'https://eurocities.eu/latest/mayors-call-for-a-stronger-urban-agenda/',
        title: 'Mayors call for a stronger urban agenda',
        type: 'Press release',
        date: '2026-06-24',
        summary: 'Meeting in Brussels, the mayors of thirty cities asked the Commission to...',
        summaryTruncated: true,
      }),
      entry({
        key: 'https://eurocities.eu/latest/why-cities-need-their-own-climate-budgets/',
        title: 'Why cities need their own climate budgets',
        type: 'Opinion',
        date: '2026-06-03',
      }),
      entry({
        key: 'https://eurocities.eu/latest/housing-report-malaga-and-vienna/',
        title: 'Affordable housing: Málaga & Vienna',
        type: 'News, Publications',
        date: '2026-06-01',
        summary: 'What two cities learned from twenty years of public housing.',
      }),
      entry({
        key: 'https://eurocities.eu/latest/eurocities-2026-braga/',
        title: 'Eurocities 2026 Braga',
        type: 'Events',
        date: '2026-11-04',
        summary: 'Our annual conference comes to Braga.',
      }),
      entry({
        key: 'https://eurocities.eu/latest/urban-mobility-forum-2026/',
        title: 'Urban Mobility Forum',
        type: 'Events',
        date: '2026-09-18',
        summary: 'Transport officers from member cities meet in Gdańsk.',
      }),
    ])
  })

  it('follows the pager to page 2', () => {
    expect(page.nextPage).toBe('https://eurocities.eu/latest/page/2/')
  })
})

describe('eurocities category listings', () => {
  it('reads the 2024 markup: h2 inside or around the link, zero-padded dates, several categories', () => {
    const pageUrl = 'https://eurocities.eu/latest_categories/publications/page/2/'
    const page = eurocities.parseListing(fixture('category-2024.html'), pageUrl)
    expect(page.entries).toEqual([
      entry({
        key: 'https://eurocities.eu/latest/social-investment-in-cities/',
        title: 'Social investment in cities',
        type: 'Publications',
        date: '2023-03-02',
        summary: 'How cities fund social services when budgets shrink.',
      }),
      entry({
        key: 'https://eurocities.eu/latest/cities-position-on-the-green-deal/',
        title: 'Cities’ position on the Green Deal',
        type: 'Policy papers, Publications',
        date: '2023-02-09',
        summary: 'Our members set out what the Green Deal needs from local government…',
        summaryTruncated: true,
      }),
      entry({ key: 'https://eurocities.eu/latest/annual-report-2022/', title: 'Annual report 2022', type: 'Publications', date: '2023-02-01' }),
    ])
    expect(page.nextPage).toBe('https://eurocities.eu/latest_categories/publications/page/3/')
  })

  it('takes the Load more button’s page as the next page, made absolute', () => {
    const page = eurocities.parseListing(fixture('category-load-more.html'), 'https://eurocities.eu/latest_categories/news/')
    expect(page.entries.map((e) => e.key)).toEqual([
      'https://eurocities.eu/latest/cities-lead-the-way-on-clean-air/',
      'https://eurocities.eu/latest/housing-report-malaga-and-vienna/',
      'https://eurocities.eu/latest/cities-welcome-new-eu-funding/',
    ])
    expect(page.nextPage).toBe('https://eurocities.eu/latest_categories/news/page/2/')
  })
})

// One card in each variant, as raw HTML.
interface CardSpec {
  href?: string
  title?: string
  cats?: string[]
  date?: string
  summary?: string
}

function card2026(spec: CardSpec = {}): string {
  const href = spec.href ?? 'https://eurocities.eu/latest/one-story/'
  const cats = (spec.cats ?? ['News']).map((c) => `<span class="meta-cat">${c}</span>`).join('')
  const summary = spec.summary === undefined ? '' : `<p><a href="${href}">${spec.summary}</a></p>`
  return `<li><a class="story-thumb" href="${href}"><img src="x.jpg" alt=""></a><div class="story-content">
    <div class="story-meta">${cats}<span class="date">${spec.date ?? '2 March 2023'}</span></div>
    <h3 class="h4"><a href="${href}">${spec.title ?? 'One story'}</a></h3>${summary}
    <span class="reading-time">5 minute read</span></div></li>`
}

function card2024(spec: CardSpec = {}, linkAround = true): string {
  const href = spec.href ?? 'https://eurocities.eu/latest/one-story/'
  const cats = (spec.cats ?? ['News']).map((c) => `<span class="meta-cat">${c}</span>`).join('')
  const title = spec.title ?? 'One story'
  const heading = linkAround ? `<a href="${href}"><h2>${title}</h2></a>` : `<h2><a href="${href}">${title}</a></h2>`
  const summary = spec.summary === undefined ? '' : `<p><a href="${href}">${spec.summary}</a></p>`
  return `<li><div class="story-meta">${cats}<span class="date">${spec.date ?? '02 March 2023'}</span>
    <span class="reading-time">3 minutes read</span></div>${heading}${summary}</li>`
}

const list2026 = (cards: string[], after = '') => `<main><ul class="other-story-list">${cards.join('')}</ul>${after}</main>`
const list2024 = (cards: string[]) => `<main><ul class="other-story-list mb-60 lastestlist">${cards.join('')}</ul></main>`
const parse = (html: string) => eurocities.parseListing(html, LATEST)

describe('eurocities card shapes', () => {
  it('gives the same fields for the same card in the 2024 and 2026 markup', () => {
    const spec = { cats: ['Spotlight', 'News'], summary: 'Same summary.' }
    const expected = entry({
      key: 'https://eurocities.eu/latest/one-story/',
      title: 'One story',
      type: 'News, Spotlight',
      date: '2023-03-02',
      summary: 'Same summary.',
    })
    expect(parse(list2026([card2026(spec)])).entries).toEqual([expected])
    expect(parse(list2024([card2024(spec, true)])).entries).toEqual([expected])
    expect(parse(list2024([card2024(spec, false)])).entries).toEqual([expected])
  })

  it('canonicalizes the detail URL: absolute, no query or fragment, trailing slash', () => {
    const [first] = parse(list2026([card2026({ href: '/latest/one-story?utm_source=newsletter#top' })])).entries
    expect([first?.key, first?.url]).toEqual(['https://eurocities.eu/latest/one-story/', 'https://eurocities.eu/latest/one-story/'])
  })

  it('skips links that are not detail pages (category, topic, other host) when finding the card link', () => {
    const html = list2024([
      `<li><a href="/latest_categories/news/">News</a><a href="/topics/mobility/">Mobility</a><a href="https://twitter.com/intent/tweet">Share</a>
       <span class="date">02 March 2023</span><h2><a href="/latest/real-story/">Real story</a></h2></li>`,
    ])
    expect(parse(html).entries[0]?.key).toBe('https://eurocities.eu/latest/real-story/')
  })

  it('reads a card without categories as type null', () => {
    expect(parse(list2026([card2026({ cats: [] })])).entries[0]?.type).toBeNull()
  })

  it('gives a null next page on the last page', () => {
    expect(parse(list2026([card2026()])).nextPage).toBeNull()
  })
})

describe('eurocities layout errors', () => {
  it('says an empty topic list may need the browser', () => {
    const error = layoutError(fixture('topic-no-js.html'), 'https://eurocities.eu/topics/mobility/')
    expect(error.message).toBe(
      'the list ul.other-story-list is empty: the page may fill it with JavaScript and need the browser (render: browser) (https://eurocities.eu/topics/mobility/)',
    )
  })

  it('throws on a redesigned page rather than returning no entries', () => {
    expect(layoutError('<main><div class="cards"><article>News</article></div></main>').message).toBe(
      `no cards at ul.other-story-list > li (${LATEST})`,
    )
  })

  it('names the card whose date does not parse', () => {
    const html = list2026([card2026(), card2026({ title: 'Bad date', date: '31 February 2026' })])
    expect(layoutError(html).message).toBe(`card 2 ("Bad date"): unparseable date "31 February 2026" (expected D Month YYYY) (${LATEST})`)
    expect(() => parse(list2026([card2026({ date: '2026-06-25' })]))).toThrow(LayoutError)
  })

  it('throws on a card without a detail link', () => {
    const html = list2026([card2026({ href: '/topics/mobility/' })])
    expect(layoutError(html).message).toBe(`card 1 ("One story"): no link to a detail page (${LATEST})`)
  })

  it('throws on a next link it cannot follow rather than calling it the last page', () => {
    expect(() => parse(list2026([card2026()], '<button class="load-more">Load more</button>'))).toThrow(LayoutError)
    expect(() => parse(list2026([card2026()], '<a class="next page-numbers">Next</a>'))).toThrow(LayoutError)
  })
})
