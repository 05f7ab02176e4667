// The WordPress post id of a post's own page, from what WordPress core prints on any theme:
//   <link rel="shortlink" href="https://example.org/?p=9106">                         (wp_head)
//   <link rel="alternate" type="application/json" href=".../wp-json/wp/v2/posts/9106"> (wp_head)
//   <body class="... single single-post postid-9106">                                 (body_class)
//   <article id="post-9106" class="post-9106 post type-post">                         (the theme's loop)
// The id survives a slug change (the URL, the entry's key, does not). No content block is needed.
import type { CheerioAPI } from 'cheerio'

const SHORTLINK = /[?&]p=(\d+)(?:&|$)/
const REST_POST = /\/wp-json\/wp\/v2\/posts\/(\d+)(?:[/?#]|$)/
const BODY_CLASS = /^postid-(\d+)$/
const ARTICLE_ID = /^post-(\d+)$/

/**
 * The post id, or null when the page names none. When the signals disagree the first of this order
 * wins: the two links wp_head prints for the queried post itself, then the body class (also core's,
 * but a theme may skip body_class()), then the article id (a theme's template: a related-posts block
 * prints articles of other posts, so it counts only when every article on the page names the same post).
 */
export function readPostId($: CheerioAPI): string | null {
  const shortlink = SHORTLINK.exec($('link[rel="shortlink"]').attr('href') ?? '')?.[1]
  const rest = REST_POST.exec($('link[rel="alternate"][type="application/json"]').attr('href') ?? '')?.[1]
  const bodyClass = ($('body').attr('class') ?? '').split(/\s+/).map((name) => BODY_CLASS.exec(name)?.[1]).find((id) => id !== undefined)
  const articles = new Set($('article[id^="post-"]').toArray().map((article) => ARTICLE_ID.exec($(article).attr('id') ?? '')?.[1] ?? null))
  const article = articles.size === 1 ? [...articles][0] : null
  return shortlink ?? rest ?? bodyClass ?? article ?? null
}
