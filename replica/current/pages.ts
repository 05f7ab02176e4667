// The current site's other pages: the script-filled topic page and its fragment endpoint,
// post details, the RSS feed and "not found".
import { authorOf, CANONICAL_ORIGIN, displayDate, escapeHtml, htmlToText, postUrl, tagsOf, TOPICS, type CurrentPost, type Topic } from './model.ts'
import { cardsOf, frame } from './render.ts'

export const TOPIC_SCRIPT_PATH = '/wp-content/themes/eurocities/dist/js/topic-list.js'

/** Where the topic script gets a page of cards: an HTML fragment in the listing's own card markup. */
export function topicFragmentPath(slug: string, page: number): string {
  return `/wp-json/replica/v1/topics/${slug}?page=${page}`
}

/**
 * What the server sends for a topic: its description and an EMPTY list. The cards arrive from
 * the script (relative URLs, so it works on whatever origin serves the page).
 */
export function topicPage(topic: Topic): string {
  return frame({
    title: topic.name,
    canonical: `/topics/${topic.slug}/`,
    bodyClass: 'topics-template-default single single-topics',
    content: [
      '  <section class="topic-intro">',
      `    <h1>${escapeHtml(topic.name)}</h1>`,
      `    <div class="topic-description"><p>${escapeHtml(topic.description)}</p></div>`,
      '  </section>',
      `  <ul class="other-story-list" data-topic="${topic.slug}"></ul>`,
      `  <script src="${TOPIC_SCRIPT_PATH}?ver=3.4.1" defer></script>`,
    ],
  })
}

/** One page of a topic's cards, with a Load more button when there is a next page (also parseable as a listing). */
export function topicFragment(slug: string, page: number, posts: CurrentPost[], hasNext: boolean): string {
  return [
    `<ul class="other-story-list" data-topic="${slug}" data-page="${page}">`,
    cardsOf({ variant: 2026 }, posts),
    '</ul>',
    ...(hasNext ? [`<button class="load-more" data-next="${topicFragmentPath(slug, page + 1)}">Load more</button>`] : []),
    '',
  ].join('\n')
}

/**
 * A post's own page: its shortlink (`?p=ID`, which survives a slug change), author, the article
 * (the card's summary as its lead, then a paragraph of its own), topics and tags. `withContent:
 * false` serves it as a page builder without its `.entry-content` block.
 */
export function detailPage(p: CurrentPost, withContent = true): string {
  const topics = TOPICS.filter((t) => p.topics.includes(t.slug))
  const title = htmlToText(p.titleHtml).replace(/[&<>]/g, (c) => escapeHtml(c))
  const lead = p.summaryHtml === null ? '' : `<p class="lead">${p.summaryHtml}</p>`
  const body = `<p>${escapeHtml(`${htmlToText(p.titleHtml)}: the full story, as our members told it in ${displayDate(p.published)}.`)}</p>`
  return frame({
    title,
    canonical: `/latest/${p.slug}/`,
    bodyClass: `single single-post postid-${p.id}`,
    head: [`<link rel="shortlink" href="${CANONICAL_ORIGIN}/?p=${p.id}">`],
    content: [
      '  <article class="single-story">',
      `    <div class="story-meta">${p.categories.map((c) => `<span class="meta-cat">${c}</span>`).join('')}<span class="date">${displayDate(p.date)}</span></div>`,
      `    <h1 class="story-title">${p.titleHtml}</h1>`,
      `    <div class="story-author">By <a class="author-name" rel="author" href="${CANONICAL_ORIGIN}/author/${p.id % 4}/">${escapeHtml(authorOf(p))}</a></div>`,
      ...(withContent ? [`    <div class="entry-content">${lead}${body}</div>`] : ['    <div class="wp-block-placeholder"></div>']),
      `    <span class="reading-time">${p.readingMinutes} minute read</span>`,
      `    <ul class="story-topics">${topics.map((t) => `<li><a href="${CANONICAL_ORIGIN}/topics/${t.slug}/">${t.name}</a></li>`).join('')}</ul>`,
      `    <ul class="story-tags">${tagsOf(p).map((tag) => `<li><a rel="tag" href="${CANONICAL_ORIGIN}/tag/${tag.replace(/ /g, '-').toLowerCase()}/">${escapeHtml(tag)}</a></li>`).join('')}</ul>`,
      '  </article>',
    ],
  })
}

export function notFoundPage(path: string): string {
  return frame({ title: 'Page not found', canonical: path, bodyClass: 'error404', content: ['  <h1>Page not found</h1>', `  <p>Nothing at ${escapeHtml(path)}.</p>`] })
}

const xml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c)
const rfc822 = (iso: string) => new Date(`${iso}T09:00:00Z`).toUTCString().replace('GMT', '+0000')

/** WordPress's RSS 2.0 feed: the latest posts by publication date, text escaped as XML. */
export function feed(posts: CurrentPost[], today: string): string {
  const items = posts.map((p) =>
    [
      '  <item>',
      `    <title>${xml(htmlToText(p.titleHtml))}</title>`,
      `    <link>${postUrl(p.slug)}</link>`,
      `    <dc:creator><![CDATA[Eurocities]]></dc:creator>`,
      `    <pubDate>${rfc822(p.published)}</pubDate>`,
      ...p.categories.map((c) => `    <category><![CDATA[${c}]]></category>`),
      `    <guid isPermaLink="false">${CANONICAL_ORIGIN}/?p=${p.id}</guid>`,
      ...(p.summaryHtml === null ? [] : [`    <description>${xml(htmlToText(p.summaryHtml))}</description>`]),
      '  </item>',
    ].join('\n'),
  )
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">',
    '<channel>',
    '  <title>Eurocities</title>',
    `  <atom:link href="${CANONICAL_ORIGIN}/feed/" rel="self" type="application/rss+xml" />`,
    `  <link>${CANONICAL_ORIGIN}</link>`,
    '  <description>The network of major European cities</description>',
    `  <lastBuildDate>${rfc822(today)}</lastBuildDate>`,
    '  <language>en-GB</language>',
    ...items,
    '</channel>',
    '</rss>',
    '',
  ].join('\n')
}
