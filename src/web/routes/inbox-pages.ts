// The changes inbox, the home page: what changed since the viewer last looked, filtered by the URL,
// grouped by run; a change's own page; marking read one by one or all at once (forms, no JS needed).
import { z } from 'zod'
import { inboxChange, inboxPage, markAllRead, markChange, type InboxPage } from '../../../db/inbox.ts'
import { cursorAfter, decodeCursor } from '../api-list.ts'
import { CHANGE_KINDS, inboxFilterOf, inboxFilterQuery, inboxSearch, type InboxFilterQuery } from '../inbox-query.ts'
import { byRun, changeArticle, kindLabel } from '../inbox-view.ts'
import type { WebApp, WebAppOptions } from '../context.ts'
import { html, type SafeHtml } from '../html.ts'
import { csrfField, renderPage } from '../layout.ts'
import { formatTime } from '../../reports/fields.ts'
import { readerOf } from '../reader.ts'

const PAGE_SIZE = 50
const changeParams = z.object({ id: z.coerce.number().int().positive() })
/** Where a form goes back to: a path of this site only (never //elsewhere). */
const returnPath = z.string().max(2000).regex(/^\/(?![/\\])/).optional()
// kept in the validated body: the CSRF check reads it after validation, which drops unknown keys
const csrfToken = z.string().max(200).optional()

export default async function inboxPages(app: WebApp, options: WebAppOptions): Promise<void> {
  app.get(
    '/',
    { schema: { tags: ['pages'], summary: 'The changes inbox', querystring: inboxFilterQuery.extend({ cursor: z.string().max(100).optional() }) } },
    async (request, reply) => {
      const { cursor, ...query } = request.query
      const before = cursor === undefined ? null : decodeCursor(cursor)
      if (before === null && cursor !== undefined) return reply.code(400).send(renderPage(reply, { title: 'Error 400', current: 'inbox', body: html`<h1>Error 400</h1><p class="error">This link's page cursor is not one of ours: <a href="/${inboxSearch(query)}">start from the newest</a>.</p>` }))
      const page = await inboxPage(options.db, { reader: readerOf(request), filter: inboxFilterOf(query), before, limit: PAGE_SIZE })
      const returnTo = `/${inboxSearch(query, cursor === undefined ? {} : { cursor })}`
      return renderPage(reply, { title: 'Changes', current: 'inbox', body: inboxBody(query, page, options.sources, csrfField(reply), returnTo) })
    },
  )

  app.get('/changes/:id', { schema: { tags: ['pages'], summary: "A change's own page", params: changeParams } }, async (request, reply) => {
    const change = await inboxChange(options.db, readerOf(request), request.params.id)
    if (change === null) return reply.callNotFound()
    const body = html`<h1>${kindLabel(change.event.kind)}: change ${change.event.id}</h1>
<p><a href="/">All changes</a> · run ${change.event.runId}, started ${formatTime(change.runStartedAt)}</p>
${changeArticle(change, { csrf: csrfField(reply), returnTo: `/changes/${change.event.id}`, level: 2 })}`
    return renderPage(reply, { title: `Change ${change.event.id}`, current: 'inbox', body })
  })

  app.post(
    '/changes/:id/read',
    {
      schema: {
        tags: ['pages'],
        summary: 'Marks a change read or unread (a form)',
        params: changeParams,
        body: z.object({ read: z.enum(['true', 'false']).default('true'), return: returnPath, _csrf: csrfToken }),
      },
    },
    async (request, reply) => {
      const reader = readerOf(request)
      const { id } = request.params
      if (!(await markChange(options.db, reader, id, request.body.read === 'true'))) return reply.callNotFound()
      if (request.headers['hx-request'] === 'true') {
        const change = await inboxChange(options.db, reader, id)
        if (change === null) return reply.callNotFound()
        const level = request.body.return === `/changes/${id}` ? 2 : 3
        return reply.type('text/html; charset=utf-8').send(changeArticle(change, { csrf: csrfField(reply), returnTo: request.body.return ?? '/', level }).markup)
      }
      return reply.redirect(request.body.return ?? '/', 303)
    },
  )

  app.post(
    '/changes/read-all',
    {
      schema: {
        tags: ['pages'],
        summary: 'Marks read every change of a view (a form)',
        body: inboxFilterQuery.extend({ through: z.coerce.number().int().nonnegative().optional(), return: returnPath, _csrf: csrfToken }),
      },
    },
    async (request, reply) => {
      const { through, return: back, _csrf, ...query } = request.body
      await markAllRead(options.db, readerOf(request), { ...inboxFilterOf(query), unread: false }, through ?? null)
      return reply.redirect(back ?? '/', 303)
    },
  )
}

function inboxBody(query: InboxFilterQuery, page: InboxPage, sources: readonly string[], csrf: SafeHtml, returnTo: string): SafeHtml {
  const unread = query.show === 'unread'
  const newest = page.changes[0]?.event.id
  const groups = byRun(page.changes).map(
    (group) => html`<section class="run" aria-labelledby="run-${group.runId}">
<h2 id="run-${group.runId}">Run ${group.runId} · ${formatTime(group.startedAt)}</h2>
${group.changes.map((change) => changeArticle(change, { csrf, returnTo, level: 3 }))}
</section>`,
  )
  const empty = unread
    ? html`<p>Nothing unread${filtered(query) ? ' here' : ''}. <a href="/${inboxSearch({ ...query, show: 'all' })}">Show every change</a>.</p>`
    : html`<p>No change${filtered(query) ? ' matches these filters' : ' recorded yet'}.</p>`
  return html`<h1>Changes${unread ? ' since you last looked' : ''}</h1>
${filterForm(query, sources)}
${newest === undefined ? '' : markAllForm(query, newest, csrf, returnTo)}
${groups.length === 0 ? empty : groups}
${page.next === null ? '' : html`<nav aria-label="More changes"><a href="/${inboxSearch(query, { cursor: cursorAfter(page.next) })}" rel="next">Older changes</a></nav>`}
<p class="muted">Keys: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>o</kbd> open, <kbd>m</kbd> mark read, <kbd>/</kbd> search, <kbd>?</kbd> help.</p>
${KEYBOARD_HELP}`
}

function filtered(query: InboxFilterQuery): boolean {
  return inboxSearch({ ...query, show: 'unread' }) !== ''
}

function filterForm(query: InboxFilterQuery, sources: readonly string[]): SafeHtml {
  const option = (value: string, label: string, current: string | undefined) => html`<option value="${value}"${value === (current ?? '') ? html` selected` : ''}>${label}</option>`
  const text = (name: 'type' | 'theme', label: string) => html`<label>${label} <input type="text" name="${name}" value="${query[name] ?? ''}"></label>`
  const listings = query.listing !== undefined && query.listing !== '' && !sources.includes(query.listing) ? [...sources, query.listing] : sources
  return html`<form class="filters" method="get" action="/" role="search" aria-label="Filter changes">
<label>Words <input type="search" name="q" id="q" value="${query.q ?? ''}"></label>
<label>Listing <select name="listing">${option('', 'any', query.listing)}${listings.map((source) => option(source, source, query.listing))}</select></label>
<label>Kind <select name="kind">${option('', 'any', query.kind)}${CHANGE_KINDS.map((kind) => option(kind, kindLabel(kind), query.kind))}</select></label>
${text('type', 'Type')}
${text('theme', 'Theme')}
<label>From <input type="date" name="from" value="${query.from ?? ''}"></label>
<label>To <input type="date" name="to" value="${query.to ?? ''}"></label>
<label>Show <select name="show">${option('unread', 'unread', query.show)}${option('all', 'all', query.show)}</select></label>
<button type="submit">Filter</button> <a href="/">Reset</a>
</form>`
}

/** Marks read what this view shows, up to its newest change: what arrived since stays unread. */
function markAllForm(query: InboxFilterQuery, through: number, csrf: SafeHtml, returnTo: string): SafeHtml {
  const hidden = (['listing', 'kind', 'type', 'theme', 'from', 'to', 'q'] as const).map((key) => {
    const value = query[key]
    return value === undefined || value === '' ? '' : html`<input type="hidden" name="${key}" value="${value}">`
  })
  return html`<form method="post" action="/changes/read-all" class="mark-all">${csrf}${hidden}<input type="hidden" name="through" value="${through}"><input type="hidden" name="return" value="${returnTo}"><button type="submit">Mark all read</button></form>`
}

const KEYBOARD_HELP = html`<dialog id="keyboard-help" aria-labelledby="keyboard-help-title">
<h2 id="keyboard-help-title">Keyboard</h2>
<dl>
<dt><kbd>j</kbd> / <kbd>k</kbd></dt><dd>next / previous change</dd>
<dt><kbd>o</kbd></dt><dd>open the change's page</dd>
<dt><kbd>m</kbd></dt><dd>mark it read (or unread)</dd>
<dt><kbd>/</kbd></dt><dd>search the changes</dd>
<dt><kbd>?</kbd></dt><dd>this help</dd>
</dl>
<form method="dialog"><button type="submit">Close</button></form>
</dialog>`
