// A post's own page in other WordPress themes than the site's own: the markup each theme prints
// around the same post, and which of WordPress core's post id signals it keeps. The listings keep
// the site's cards whatever the theme (only entries' own pages change).
import type { PostTheme } from '../types.ts'
import { CANONICAL_ORIGIN, authorOf, displayDate, escapeHtml, htmlToText, postUrl, tagsOf, type CurrentPost } from './model.ts'
import { detailPage } from './pages.ts'

/** The post's page in `theme` ('eurocities': the site's own theme, pages.ts). */
export function themedDetailPage(p: CurrentPost, theme: PostTheme): string {
  switch (theme) {
    case 'eurocities':
      return detailPage(p)
    case 'twenty-twenty-four':
      return twentyTwentyFour(p)
    case 'astra':
      return astra(p)
    case 'static-export':
      // a static copy of the site: wp_head's links gone, and a body class the exporter wrote itself
      return detailPage(p).replace(/<link rel="shortlink"[^>]*>\n/, '').replace(/ postid-\d+/, '')
  }
}

const title = (p: CurrentPost) => htmlToText(p.titleHtml).replace(/[&<>]/g, (c) => escapeHtml(c))
const story = (p: CurrentPost) =>
  `${p.summaryHtml === null ? '' : `<p>${p.summaryHtml}</p>`}<p>${escapeHtml(`${htmlToText(p.titleHtml)}: the full story, as our members told it in ${displayDate(p.published)}.`)}</p>`
const tagLinks = (p: CurrentPost) => tagsOf(p).map((tag) => `<a href="${CANONICAL_ORIGIN}/tag/${tag.replace(/ /g, '-').toLowerCase()}/" rel="tag">${escapeHtml(tag)}</a>`).join(', ')

/** What every theme's <head> opens with: the document, its title and canonical link. */
const head = (p: CurrentPost) => ['<!DOCTYPE html>', '<html lang="en-GB">', '<head>', '<meta charset="UTF-8">', `<title>${title(p)} - Eurocities</title>`, `<link rel="canonical" href="${postUrl(p.slug)}">`]

/** The default block theme: a template of blocks, no shortlink, the post id only in the body class. */
function twentyTwentyFour(p: CurrentPost): string {
  return [
    ...head(p),
    '</head>',
    `<body class="post-template-default single single-post postid-${p.id} single-format-standard wp-embed-responsive">`,
    '<div class="wp-site-blocks">',
    '<header class="wp-block-template-part"><p class="wp-block-site-title"><a href="https://eurocities.eu">Eurocities</a></p></header>',
    '<main class="wp-block-group">',
    '  <div class="wp-block-group alignfull">',
    `    <h1 class="wp-block-post-title">${p.titleHtml}</h1>`,
    `    <div class="wp-block-post-date"><time datetime="${p.date}">${displayDate(p.date)}</time></div>`,
    '  </div>',
    `  <div class="entry-content alignfull wp-block-post-content is-layout-constrained">${story(p)}</div>`,
    `  <div class="wp-block-post-terms taxonomy-post_tag">${tagLinks(p)}</div>`,
    '</main>',
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

/** A classic theme (Astra): wrappers of its own, the post id in the wp-json link and the article id. */
function astra(p: CurrentPost): string {
  return [
    ...head(p),
    `<link rel="alternate" title="JSON" type="application/json" href="${CANONICAL_ORIGIN}/wp-json/wp/v2/posts/${p.id}">`,
    '</head>',
    '<body class="post-template-default single single-post ast-single-post ast-separate-container ast-right-sidebar">',
    '<div id="page" class="hfeed site">',
    '<div id="content" class="site-content"><div class="ast-container">',
    '<div id="primary" class="content-area primary"><main id="main" class="site-main">',
    `  <article id="post-${p.id}" class="post-${p.id} post type-post status-publish format-standard ast-article-single">`,
    '    <div class="ast-post-format- single-layout-1">',
    `      <header class="entry-header"><h1 class="entry-title">${p.titleHtml}</h1>`,
    `        <div class="entry-meta">By <span class="author-name">${escapeHtml(authorOf(p))}</span> / <span class="published">${displayDate(p.date)}</span></div></header>`,
    `      <div class="entry-content clear">${story(p)}</div>`,
    `      <footer class="entry-footer"><span class="tags-links">${tagLinks(p)}</span></footer>`,
    '    </div>',
    '  </article>',
    '</main></div>',
    '</div></div>',
    '</div>',
    '</body>',
    '</html>',
    '',
  ].join('\n')
}
