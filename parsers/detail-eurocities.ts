// A post's own page on the EUROCITIES current site (WordPress):
//   <head> ... <link rel="shortlink" href="https://eurocities.eu/?p=9106"> ... </head>
//   <article class="single-story">
//     <h1 class="story-title">Title</h1>
//     <div class="story-author">By <a class="author-name" rel="author" href="...">Name</a></div>
//     <div class="entry-content"><p class="lead">Summary</p><p>Article text...</p></div>
//     <ul class="story-tags"><li><a rel="tag" href=".../tag/peer-learning/">peer learning</a></li></ul>
//   </article>
// The post id is read from what WordPress core prints on any theme (parsers/wordpress-post-id.ts), so
// a page in another theme, without this block, still tells a slug change from a new post.
import { load } from 'cheerio'
import type { DetailReading } from '../domain/detail.ts'
import { LayoutError } from '../domain/errors.ts'
import { normalizeOptionalText, normalizeThemes } from '../domain/normalize.ts'
import { readPostId } from './wordpress-post-id.ts'

const BLOCK_SELECTOR = 'article.single-story .entry-content'

export function parseEurocitiesDetail(html: string, pageUrl: string): DetailReading {
  const $ = load(html)
  const block = $(BLOCK_SELECTOR)
  const postId = readPostId($)
  if (block.length !== 1) {
    const missingBlock = `expected one ${BLOCK_SELECTOR}, found ${block.length}`
    if (postId === null) throw new LayoutError(missingBlock, pageUrl)
    return { detail: { postId, published: null, documentType: null, author: null, contact: null, tags: [], files: [], text: null }, missingBlock }
  }
  // paragraphs apart: cheerio's text() would glue the lead's last word to the next paragraph's first
  const paragraphs = block.find('p').toArray().map((p) => $(p).text())
  const detail = {
    postId,
    published: null,
    documentType: null,
    author: normalizeOptionalText($('article.single-story .author-name').first().text()),
    contact: null,
    tags: normalizeThemes($('article.single-story .story-tags a[rel="tag"]').toArray().map((a) => $(a).text())),
    files: [],
    text: normalizeOptionalText((paragraphs.length > 0 ? paragraphs : [block.text()]).join(' ')),
  }
  return { detail, missingBlock: null }
}
