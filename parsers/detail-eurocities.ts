// A post's own page on the EUROCITIES current site (WordPress):
//   <head> ... <link rel="shortlink" href="https://eurocities.eu/?p=9106"> ... </head>
//   <article class="single-story">
//     <h1 class="story-title">Title</h1>
//     <div class="story-author">By <a class="author-name" rel="author" href="...">Name</a></div>
//     <div class="entry-content"><p class="lead">Summary</p><p>Article text...</p></div>
//     <ul class="story-tags"><li><a rel="tag" href=".../tag/peer-learning/">peer learning</a></li></ul>
//   </article>
// The shortlink's post id is what survives a slug change (the URL, the entry's key, does not).
import { load } from 'cheerio'
import type { EntryDetail } from '../domain/detail.ts'
import { LayoutError } from '../domain/errors.ts'
import { normalizeOptionalText, normalizeThemes } from '../domain/normalize.ts'

const BLOCK_SELECTOR = 'article.single-story .entry-content'
const POST_ID_PATTERN = /[?&]p=(\d+)(?:&|$)/

export function parseEurocitiesDetail(html: string, pageUrl: string): EntryDetail {
  const $ = load(html)
  const block = $(BLOCK_SELECTOR)
  if (block.length !== 1) throw new LayoutError(`expected one ${BLOCK_SELECTOR}, found ${block.length}`, pageUrl)
  const shortlink = $('link[rel="shortlink"]').attr('href') ?? ''
  // paragraphs apart: cheerio's text() would glue the lead's last word to the next paragraph's first
  const paragraphs = block.find('p').toArray().map((p) => $(p).text())
  return {
    postId: POST_ID_PATTERN.exec(shortlink)?.[1] ?? null,
    published: null,
    documentType: null,
    author: normalizeOptionalText($('article.single-story .author-name').first().text()),
    contact: null,
    tags: normalizeThemes($('article.single-story .story-tags a[rel="tag"]').toArray().map((a) => $(a).text())),
    files: [],
    text: normalizeOptionalText((paragraphs.length > 0 ? paragraphs : [block.text()]).join(' ')),
  }
}
