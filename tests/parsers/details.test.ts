// Detail-page readers over pages saved from the replica (tests/fixtures/detail/, step 3).
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { completedSummary } from '../../domain/detail.ts'
import { LayoutError } from '../../domain/errors.ts'
import { parseEurocitiesDetail } from '../../parsers/detail-eurocities.ts'
import { parseLegacyDetail } from '../../parsers/detail-legacy.ts'
import { findDetailParser } from '../../parsers/details.ts'

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
    expect(parseEurocitiesDetail(fixture('eurocities-post.html'), POST_URL)).toEqual({
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

  it('keeps the paragraphs of the article apart, and has no post id without a shortlink', () => {
    const html = fixture('eurocities-post.html')
      .replace('<div class="entry-content">', '<div class="entry-content"><p class="lead">A lead.</p>')
      .replace(/<link rel="shortlink"[^>]*>/, '')
    expect(parseEurocitiesDetail(html, POST_URL)).toMatchObject({ postId: null, text: expect.stringMatching(/^A lead\. Cities need/) })
  })

  it('throws a LayoutError on a page without .entry-content', () => {
    expect(() => parseEurocitiesDetail(fixture('eurocities-post.html').replace('entry-content', 'wp-block'), POST_URL)).toThrow(LayoutError)
  })

  it('is listed for both EUROCITIES profiles, not for selectors', () => {
    expect(findDetailParser('eurocities')).toBe(parseEurocitiesDetail)
    expect(findDetailParser('eurocities-legacy')).toBe(parseLegacyDetail)
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
