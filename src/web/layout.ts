// The frame of every page: navigation, who is signed in, the CSRF token for htmx, the scripts.
import type { FastifyReply } from 'fastify'
import { html, type SafeHtml } from './html.ts'

export type Section = 'inbox' | 'entries' | 'listings' | 'operations' | 'none'

const SECTIONS: readonly { section: Section; path: string; label: string }[] = [
  { section: 'inbox', path: '/', label: 'Changes' },
  { section: 'entries', path: '/entries', label: 'Entries' },
  { section: 'listings', path: '/listings', label: 'Listings' },
  { section: 'operations', path: '/operations', label: 'Operations' },
]

// htmx must not add an inline <style> (the CSP allows none) nor evaluate attributes as code
const HTMX_CONFIG = JSON.stringify({ includeIndicatorStyles: false, allowEval: false, allowScriptTags: false })

export interface PageSpec {
  title: string
  current: Section
  body: SafeHtml
}

const csrfTokens = new WeakMap<FastifyReply, string>()

/**
 * The CSRF token of this response, made once: on a first visit each generateCsrf() makes a new
 * secret cookie and the browser keeps only the last, so a second call would void the first token.
 */
export function csrfToken(reply: FastifyReply): string {
  const made = csrfTokens.get(reply) ?? reply.generateCsrf()
  csrfTokens.set(reply, made)
  return made
}

/** The hidden field every writing form carries (POST without it is refused). */
export function csrfField(reply: FastifyReply): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${csrfToken(reply)}">`
}

export function renderPage(reply: FastifyReply, { title, current, body }: PageSpec): string {
  const viewer = reply.request.viewer
  const nav = SECTIONS.map(
    ({ section, path, label }) => html`<li><a href="${path}"${section === current ? html` aria-current="page"` : ''}>${label}</a></li>`,
  )
  const account =
    viewer === null
      ? ''
      : viewer.via === 'session'
        ? html`<form method="post" action="/logout" class="account">${csrfField(reply)}<span>${viewer.name} (${viewer.role})</span> <button type="submit">Sign out</button></form>`
        : html`<p class="account">${viewer.via === 'local' ? 'local (admin, no users configured)' : `${viewer.name} (${viewer.role})`}</p>`
  reply.type('text/html; charset=utf-8')
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${csrfToken(reply)}">
<meta name="htmx-config" content="${HTMX_CONFIG}">
<title>${title} · eurowatch</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/app.css">
<script src="/static/htmx.min.js" defer></script>
<script src="/static/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<nav aria-label="Sections"><a class="brand" href="/">eurowatch</a><ul>${nav}</ul></nav>
${account}
</header>
<main id="main" tabindex="-1">
${body}
</main>
</body>
</html>`.markup}\n`
}
