// How a change reads on the pages: its entry, its fields before and after, the summary's word
// diff (the e-mail's, src/alerts/clean-text.ts), a move as a move, and its read state and actions.
// Site text only ever goes through `html`.
import type { ChangeKind, FieldChange } from '../../domain/change.ts'
import type { InboxChange } from '../../db/inbox.ts'
import { summaryDiff } from '../alerts/clean-text.ts'
import { dateRange, fieldLabel, formatTime, formatValue, themeDelta } from '../reports/fields.ts'
import { href, html, type SafeHtml } from './html.ts'
import { entryPath } from './paths.ts'

const KIND_LABELS: Record<ChangeKind, string> = { new: 'New', changed: 'Changed', moved: 'Moved', removed: 'Removed', reappeared: 'Reappeared' }

export function kindLabel(kind: ChangeKind): string {
  return KIND_LABELS[kind]
}

export interface ChangeActions {
  /** The page's CSRF field. */
  csrf: SafeHtml
  /** Where the mark-read form returns without JS: the view it was sent from. */
  returnTo: string
  /** The title's heading level: 3 in the list (under a run's h2), 2 on a change's own page. */
  level: 2 | 3
}

/** One change as an <article>: j/k move between these, o opens, m marks (static/app.js). */
export function changeArticle(change: InboxChange, actions: ChangeActions): SafeHtml {
  const { event, read } = change
  const { entry } = event
  const link = href(entry.url)
  const title = link === null ? html`${entry.title ?? '(no title)'}` : html`<a href="${link}" rel="noreferrer">${entry.title ?? '(no title)'}</a>`
  const heading = actions.level === 2 ? html`<h2>${title}</h2>` : html`<h3>${title}</h3>`
  const facts = [entry.key, entry.type, dateRange(entry), entry.themes.length === 0 ? null : entry.themes.join(', '), event.listing?.source ?? null].filter(
    (fact): fact is string => fact !== null && fact !== '',
  )
  const move = event.kind === 'moved' ? event.changes.find((field) => field.field === 'url') : undefined
  const fields = event.changes.filter((field) => field !== move)
  return html`<article class="change ${read ? 'read' : 'unread'}" id="change-${event.id}" data-change-id="${event.id}" tabindex="-1">
<p class="change-head"><span class="kind kind-${event.kind}">${kindLabel(event.kind)}</span> <span class="state">${read ? 'Read' : 'Unread'}</span> <span class="muted">${formatTime(event.detectedAt)}</span></p>
${heading}
<p class="muted">${facts.join(' · ')}</p>
${move === undefined ? '' : moveLine(move)}
${event.kind === 'new' && entry.summary !== null ? html`<p>${entry.summary}</p>` : ''}
${event.kind === 'removed' && event.listing !== null ? html`<p>Gone from ${event.listing.source}.</p>` : ''}
${fields.length === 0 ? '' : fieldTable(fields)}
<div class="change-actions">
<a href="/changes/${event.id}" class="permalink">Permalink</a> · <a href="${entryPath(entry.key)}">Entry</a> · <a href="/api/v1/changes/${event.id}" type="application/json">JSON</a>
<form method="post" action="/changes/${event.id}/read" class="mark" hx-post="/changes/${event.id}/read" hx-target="closest article" hx-swap="outerHTML">
${actions.csrf}<input type="hidden" name="read" value="${read ? 'false' : 'true'}"><input type="hidden" name="return" value="${actions.returnTo}">
<button type="submit">${read ? 'Mark unread' : 'Mark read'}</button>
</form>
</div>
</article>`
}

/** A move reads as one: from the old address to the new. */
function moveLine(move: FieldChange): SafeHtml {
  return html`<p class="move">Moved from ${urlValue(move.before)} to ${urlValue(move.after)}</p>`
}

function urlValue(value: FieldChange['before']): SafeHtml {
  const url = typeof value === 'string' ? value : null
  const link = href(url)
  if (url === null) return html`(none)`
  return link === null ? html`<code>${url}</code>` : html`<a href="${link}" rel="noreferrer">${url}</a>`
}

function fieldTable(fields: readonly FieldChange[]): SafeHtml {
  const rows = fields.map((field) => html`<tr><th scope="row">${fieldLabel(field.field)}</th>${fieldCells(field)}</tr>`)
  return html`<table class="fields">
<thead><tr><th scope="col">Field</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
<tbody>${rows}</tbody>
</table>`
}

function fieldCells(field: FieldChange): SafeHtml {
  if (field.field === 'summary') {
    const words = summaryDiff(field).map(({ kind, text }) => (kind === 'same' ? html`${text}` : kind === 'added' ? html`<ins>${text}</ins>` : html`<del>${text}</del>`))
    return html`<td colspan="2" class="word-diff">${words}</td>`
  }
  if (field.field === 'themes') {
    const { added, removed } = themeDelta(field)
    const list = (value: FieldChange['before'], marked: readonly string[], mark: 'ins' | 'del') =>
      Array.isArray(value) && value.length > 0
        ? value.map((theme, index) => html`${index === 0 ? '' : ', '}${marked.includes(theme) ? (mark === 'ins' ? html`<ins>${theme}</ins>` : html`<del>${theme}</del>`) : theme}`)
        : html`(none)`
    return html`<td>${list(field.before, removed, 'del')}</td><td>${list(field.after, added, 'ins')}</td>`
  }
  if (field.field === 'url') return html`<td>${urlValue(field.before)}</td><td>${urlValue(field.after)}</td>`
  return html`<td>${formatValue(field.before)}</td><td>${formatValue(field.after)}</td>`
}

/** Consecutive changes of one run, in the list's order (newest first). */
export function byRun(changes: readonly InboxChange[]): { runId: number; startedAt: Date; changes: InboxChange[] }[] {
  const groups: { runId: number; startedAt: Date; changes: InboxChange[] }[] = []
  for (const change of changes) {
    const last = groups.at(-1)
    if (last !== undefined && last.runId === change.event.runId) last.changes.push(change)
    else groups.push({ runId: change.event.runId, startedAt: change.runStartedAt, changes: [change] })
  }
  return groups
}
