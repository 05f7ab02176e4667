// Detail-page readers over pages saved from the replica (tests/fixtures/detail/, step 3).
import { readFileSync } from 'node:fs'
import { load } from 'cheerio'
import { describe, expect, it } from 'vitest'
import { completedSummary } from '../../domain/detail.ts'
import { LayoutError } from '../../domain/errors.ts'
import { parseEurocitiesDetail } from '../../parsers/detail-eurocities.ts'
import { parseLegacyDetail } from '../../parsers/detail-legacy.ts'
import { findDetailParser } from '../../parsers/details.ts'
import { readPostId } from '../../parsers/wordpress-post-id.ts'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/detail/${name}`, import.meta.url), 'utf8')
const LEGACY_URL = 'http://www.eurocities.eu/eurocities/documents/Cities-for-active-inclusion-2019-progress-report-WSPO-BH4N2R'
const POST_URL = 'https://eurocities.eu/latest/cities-need-climate-budgets-of-their-own/'

describe('legacy detail page', () => {
  it('reads the publication date, document type, files, staff contact and the full summary', () => {
    expect(parseLegacyDetail(fixture('legacy-publication.html'), LEGACY_URL)).toEqual({
      postId: null,
      published: '2019-10-30',
      documentType: 'policy publication',
      author: null,
      contact: 'Social affairs team',
      tags: [],
      files: [{ url: 'http://www.eurocities.eu/eurocities/documents/report.pdf', label: 'download the document (PDF)' }],
      text: 'Nine cities report on two years of active inclusion strategies: what changed for residents furthest from the labour market, what it cost & what they would do differently next time.',
    })
  })

  it('reads an event page by its start date, and a page without a summary as no text', () => {
    const html = fixture('legacy-publication.html')
      .replace('publication date: 30-10-2019', 'start date: 04-11-2019 - end date: 06-11-2019')
      .replace(/<div class="detailtext">.*<\/div>/, '')
    expect(parseLegacyDetail(html, LEGACY_URL)).toMatchObject({ published: '2019-11-04', text: null })
  })

  it('throws a LayoutError on a page without its .detailinfo block, or with a date it cannot read', () => {
    expect(() => parseLegacyDetail(fixture('legacy-publication.html').replace('class="detailinfo"', 'class="info"'), LEGACY_URL)).toThrow(LayoutError)
    expect(() => parseLegacyDetail(fixture('legacy-publication.html').replace('30-10-2019', '2019-10-30'), LEGACY_URL)).toThrow(/unparseable date line/)
  })
})

describe('WordPress detail page', () => {
  it('reads the post id from the shortlink, the author, the tags and the article text', () => {
    expect(parseEurocitiesDetail(fixture('eurocities-post.html'), POST_URL).detail).toEqual({
      postId: '9106',
      published: null,
      documentType: null,
      author: 'Julie Bosschaert',
      contact: null,
      tags: ['citizens', 'urban agenda'],
      files: [],
      text: 'Cities need climate budgets of their own: the full story, as our members told it in 22 June 2026.',
    })
  })

  it('keeps the paragraphs of the article apart, and has no post id when the page names none', () => {
    const html = fixture('eurocities-post.html')
      .replace('<div class="entry-content">', '<div class="entry-content"><p class="lead">A lead.</p>')
      .replace(/<link rel="shortlink"[^>]*>/, '')
      .replace(/ postid-\d+/, '')
    expect(parseEurocitiesDetail(html, POST_URL)).toEqual({ detail: expect.objectContaining({ postId: null, text: expect.stringMatching(/^A lead\. Cities need/) }), missingBlock: null })
  })

  it('reads the post id of a page without .entry-content, and names the missing block', () => {
    const html = fixture('eurocities-post.html').replace('entry-content', 'wp-block').replace(/<link rel="shortlink"[^>]*>/, '')
    expect(parseEurocitiesDetail(html, POST_URL)).toEqual({
      detail: { postId: '9106', published: null, documentType: null, author: null, contact: null, tags: [], files: [], text: null },
      missingBlock: 'expected one article.single-story .entry-content, found 0',
    })
  })

  it('throws a LayoutError on a page without .entry-content that names no post', () => {
    const html = fixture('eurocities-post.html').replace('entry-content', 'wp-block').replace(/<link rel="shortlink"[^>]*>/, '').replace(/ postid-\d+/, '')
    expect(() => parseEurocitiesDetail(html, POST_URL)).toThrow(LayoutError)
  })

  it('is listed for both EUROCITIES profiles, not for selectors', () => {
    expect(findDetailParser('eurocities')).toBe(parseEurocitiesDetail)
    expect(findDetailParser('eurocities-legacy')?.(fixture('legacy-publication.html'), LEGACY_URL)).toEqual({ detail: parseLegacyDetail(fixture('legacy-publication.html'), LEGACY_URL), missingBlock: null })
    expect(findDetailParser('selectors')).toBeNull()
  })
})

describe('completedSummary', () => {
  it('completes a cut summary with the page text that starts with it, and nothing else', () => {
    expect(completedSummary('Nine cities report on two...', 'Nine cities report on two years.')).toBe('Nine cities report on two years.')
    expect(completedSummary('Nine cities report on two…', 'Nine cities report on two years.')).toBe('Nine cities report on two years.')
    expect(completedSummary('Nine cities report on two...', 'Ten cities report.')).toBeNull()
    expect(completedSummary('Nine cities report on two...', null)).toBeNull()
  })
})

describe('WordPress post id', () => {
  const page = (head: string, bodyClass: string, main: string) => load(`<html><head>${head}</head><body class="${bodyClass}"><main>${main}</main></body></html>`)
  const SHORTLINK = '<link rel="shortlink" href="https://eurocities.eu/?p=11">'
  const REST = '<link rel="alternate" type="application/json" href="https://eurocities.eu/wp-json/wp/v2/posts/12">'
  const BODY = 'wp-singular post-template-default single single-post postid-13 wp-embed-responsive'
  const ARTICLE = '<article id="post-14" class="post-14 post type-post status-publish"></article>'

  it('reads each signal WordPress core prints, alone', () => {
    expect(readPostId(page(SHORTLINK, '', ''))).toBe('11')
    expect(readPostId(page('<link rel="shortlink" href="https://eurocities.eu/?p=11&amp;lang=fr">', '', ''))).toBe('11')
    expect(readPostId(page(REST, '', ''))).toBe('12')
    expect(readPostId(page('', BODY, ''))).toBe('13')
    expect(readPostId(page('', 'single', ARTICLE))).toBe('14')
    expect(readPostId(page('', 'home blog', '<article class="post"></article>'))).toBeNull()
  })

  it('prefers, when they disagree, the shortlink, then the wp-json link, then the body class, then the article id', () => {
    expect(readPostId(page(SHORTLINK + REST, BODY, ARTICLE))).toBe('11')
    expect(readPostId(page(REST, BODY, ARTICLE))).toBe('12')
    expect(readPostId(page('', BODY, ARTICLE))).toBe('13')
  })

  it('does not take the article id when the page shows articles of several posts (related posts)', () => {
    expect(readPostId(page('', 'single', `${ARTICLE}<article id="post-15" class="post-15 post"></article>`))).toBeNull()
    expect(readPostId(page('', 'single', `${ARTICLE}<article id="post-14"></article>`))).toBe('14')
  })

  it('ignores links and classes that are not a post id', () => {
    expect(readPostId(page('<link rel="shortlink" href="https://eurocities.eu/?page_id=9">', 'postid-x page-id-9', ''))).toBeNull()
    expect(readPostId(page('<link rel="alternate" type="application/json" href="https://eurocities.eu/wp-json/wp/v2/pages/9">', '', ''))).toBeNull()
  })
})
