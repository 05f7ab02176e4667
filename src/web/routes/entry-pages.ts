// The entry page (every version and its differences, where it was listed, what its own page
// added, the alerts sent, the stored pages) and the stored raw pages themselves, made inert.
import { z } from 'zod'
import { entryPage, storedPage, type EntryPage, type StoredPageRef } from '../../../db/entry-page.ts'
import { readPageBody } from '../../../db/pages.ts'
import type { EntryDetail } from '../../../domain/detail.ts'
import { fieldLabel, formatTime, formatValue } from '../../reports/fields.ts'
import { seenWords, toHistoryJson, type HistoryJson } from '../../reports/history.ts'
import type { WebApp, WebAppOptions } from '../context.ts'
import { href, html, type SafeHtml } from '../html.ts'
import { renderPage } from '../layout.ts'
import { entryPath, listingPath } from '../paths.ts'
import { inertPage } from '../stored-page.ts'

export const EntryParams = z.object({ key: z.string().min(1).describe('the entry key (a WSPO id or a canonical URL), or a URL one of its versions had') })
const FetchParams = z.object({ fetchId: z.coerce.number().int().positive() })

// the stored page may draw with its own inline styles and nothing else: no script, no request, no form, no popup
const STORED_PAGE_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"

export default async function entryPages(app: WebApp, options: WebAppOptions): Promise<void> {
  app.get('/entries/:key', { schema: { tags: ['pages'], summary: 'An entry: its versions, listings, alerts and stored pages', params: EntryParams } }, async (request, reply) => {
    const page = await entryPage(options.db, request.params.key)
    if (page === null) return reply.callNotFound()
    const title = page.history.versions.at(-1)?.fields.title ?? page.history.key
    return reply.send(renderPage(reply, { title, current: 'entries', body: entryBody(page) }))
  })

  for (const kind of ['listing-page', 'entry-page'] as const) {
    const path = kind === 'listing-page' ? '/pages/:fetchId' : '/pages/entry/:fetchId'
    app.get(path, { schema: { tags: ['pages'], summary: `A stored ${kind.replace('-', ' ')}, inert`, params: FetchParams } }, async (request, reply) => {
      const stored = await storedPage(options.db, kind, request.params.fetchId)
      const body = stored === null ? null : await readPageBody(options.db, stored.sha256)
      if (stored === null || body === null) return reply.callNotFound()
      return reply
        .header('content-security-policy', STORED_PAGE_CSP)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, max-age=86400, immutable')
        .type('text/html; charset=utf-8')
        .send(inertPage(body, stored.contentType, stored.charset, stored.url))
    })
  }
}

/** Where a stored page is viewed. */
export function storedPagePath(stored: Pick<StoredPageRef, 'kind' | 'fetchId'>): string {
  return stored.kind === 'listing-page' ? `/pages/${stored.fetchId}` : `/pages/entry/${stored.fetchId}`
}

function entryBody(page: EntryPage): SafeHtml {
  const history = toHistoryJson(page.history)
  const latest = history.versions.at(-1)
  const status = page.history.removedAt === null ? 'listed' : `removed ${formatTime(page.history.removedAt)}`
  return html`<h1>${latest?.fields.title ?? '(no title)'}</h1>
<p><span class="muted">Key</span> ${history.key} · ${status} · seen from run ${history.firstSeenRun} to run ${history.lastSeenRun} ·
<a href="${`/api/v1${entryPath(history.key)}`}">JSON</a>${latest && href(latest.fields.url) ? html` · <a href="${href(latest.fields.url)}" rel="noopener noreferrer">on the site</a>` : ''}</p>
<h2>Versions</h2>
${history.versions.map((version, index) => versionSection(version, index))}
<h2>Where it was listed</h2>
${listingsTable(page)}
<h2>Alerts sent</h2>
${alertsTable(page)}
<h2>Stored pages it was read from</h2>
${storedPages(page.pages)}`
}

type VersionJson = HistoryJson['versions'][number]

function versionSection(version: VersionJson, index: number): SafeHtml {
  const until = version.validToRun === null ? 'current' : `until run ${version.validToRun}`
  const origin = version.origin === 'crawl' ? '' : version.origin === 'reparse' ? ' (corrected by a re-parse)' : ' (backfilled from web-archive captures)'
  const f = version.fields
  const fields =
    index === 0
      ? html`<table><caption class="muted">As first seen</caption><tbody>
${(['url', 'title', 'type', 'date', 'endDate', 'documentType', 'themes', 'summary'] as const).map((field) => html`<tr><th scope="row">${fieldLabel(field)}</th><td>${formatValue(f[field])}</td></tr>`)}
</tbody></table>`
      : version.changes.length === 0
        ? html`<p class="muted">No change under the diff rules (a cut summary now in full, or cosmetics).</p>`
        : html`<table><caption class="muted">Against the version before</caption><thead><tr><th scope="col">Field</th><th scope="col">Before</th><th scope="col">After</th></tr></thead><tbody>
${version.changes.map((change) =>
  change.words === undefined
    ? html`<tr><th scope="row">${fieldLabel(change.field)}</th><td><del>${formatValue(change.before)}</del></td><td><ins>${formatValue(change.after)}</ins></td></tr>`
    : html`<tr><th scope="row">${fieldLabel(change.field)}</th><td colspan="2">${change.words.map((word) => (word.kind === 'same' ? word.text : word.kind === 'added' ? html`<ins>${word.text}</ins>` : html`<del>${word.text}</del>`))}</td></tr>`,
)}
</tbody></table>`
  return html`<section aria-labelledby="version-${index + 1}">
<h3 id="version-${index + 1}">Version ${index + 1}: from run ${version.validFromRun} (${formatTime(new Date(version.validFrom))}), ${until}${origin}</h3>
<p class="muted">${seenWords(version, (seen) => `run ${seen.runId} (${formatTime(new Date(seen.at))})`).replace(/^./, (first) => first.toUpperCase())}</p>
${fields}
${version.detail === null ? '' : detailBlock(version.detail)}
</section>`
}

function detailBlock(detail: EntryDetail): SafeHtml {
  const facts: [string, string | null][] = [
    ['Published', detail.published],
    ['Document type', detail.documentType],
    ['Author', detail.author],
    ['Contact', detail.contact],
    ['Tags', detail.tags.length === 0 ? null : detail.tags.join(', ')],
    ['Post id', detail.postId],
  ]
  return html`<h4>What its own page added</h4>
<dl>${facts.filter(([, value]) => value !== null).map(([label, value]) => html`<dt>${label}</dt><dd>${value}</dd>`)}</dl>
${detail.files.length === 0 ? '' : html`<ul>${detail.files.map((file) => html`<li>${href(file.url) === null ? file.label : html`<a href="${href(file.url)}" rel="noopener noreferrer">${file.label}</a>`}</li>`)}</ul>`}
${detail.text === null ? '' : html`<p>${detail.text}</p>`}`
}

function listingsTable(page: EntryPage): SafeHtml {
  if (page.listings.length === 0) return html`<p class="muted">Never sighted on a listing.</p>`
  return html`<table><thead><tr><th scope="col">Listing</th><th scope="col">Page</th><th scope="col">Last position</th><th scope="col">First seen</th><th scope="col">Last seen</th></tr></thead><tbody>
${page.listings.map(
  (slot) => html`<tr><td><a href="${listingPath(slot.source)}">${slot.source}</a></td><td>${href(slot.pageUrl) === null ? slot.pageNumber : html`<a href="${href(slot.pageUrl)}" rel="noopener noreferrer">${slot.pageNumber}</a>`}</td><td>${slot.lastPosition}</td>
<td>run ${slot.firstSeen.runId} (${formatTime(slot.firstSeen.at)})</td><td>run ${slot.lastSeen.runId} (${formatTime(slot.lastSeen.at)})</td></tr>`,
)}
</tbody></table>`
}

function alertsTable(page: EntryPage): SafeHtml {
  if (page.alerts.length === 0) return html`<p class="muted">No alert for this entry.</p>`
  return html`<table><thead><tr><th scope="col">Change</th><th scope="col">Subscription</th><th scope="col">Status</th><th scope="col">Sent</th><th scope="col">Last error</th></tr></thead><tbody>
${page.alerts.map(
  (alert) => html`<tr><td>${alert.kind} in run ${alert.runId}</td><td>${alert.subscription}</td><td>${alert.status}</td><td>${alert.sentAt === null ? '' : formatTime(alert.sentAt)}</td><td>${alert.lastError}</td></tr>`,
)}
</tbody></table>`
}

function storedPages(pages: readonly StoredPageRef[]): SafeHtml {
  const shown = pages.at(-1)
  if (shown === undefined) return html`<p class="muted">No stored page.</p>`
  const label = (stored: StoredPageRef) => (stored.kind === 'entry-page' ? 'its own page' : `listing page ${stored.pageNumber}`)
  return html`<ul>
${pages.map((stored) => html`<li><a href="${storedPagePath(stored)}">${label(stored)}, run ${stored.runId} (${formatTime(stored.fetchedAt)})</a> <span class="muted">${stored.url}</span></li>`)}
</ul>
<iframe class="stored-page" sandbox src="${storedPagePath(shown)}" title="${`Stored ${label(shown)} of run ${shown.runId}`}"></iframe>`
}
