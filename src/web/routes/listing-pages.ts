// The listings, and one listing as of a date (a date picker over its snapshots) or two dates
// compared, with its recent crawls and open problems. The dates live in the URL.
import { z } from 'zod'
import { listingStates } from '../../../db/status-queries.ts'
import type { SnapshotEntry, SnapshotResult } from '../../../domain/archive.ts'
import type { SnapshotCursor } from '../../../db/snapshot.ts'
import { parseSiteDate, siteDay } from '../../../domain/site-dates.ts'
import { loadListingPage, type DateAsked, type ListingPage, type ListingPageRequest } from '../../../jobs/listing-page.ts'
import { dateRange, fieldLabel, formatTime, formatValue } from '../../reports/fields.ts'
import { crawlLine } from '../../reports/snapshot.ts'
import type { WebApp, WebAppOptions } from '../context.ts'
import { href, html, type SafeHtml } from '../html.ts'
import { renderPage } from '../layout.ts'
import { entryPath, listingPath } from '../paths.ts'

export const ListingParams = z.object({ source: z.string().min(1).describe("the listing's name in the configuration") })
export const ListingQuery = z.object({
  'as-of': z.string().optional().describe('YYYY-MM-DD (to the end of that day, Europe/Brussels) or an ISO datetime; default: now'),
  compare: z.string().optional().describe('with `with`: the earlier of two dates to compare'),
  with: z.string().optional().describe('with `compare`: the later date'),
  cursor: z.string().max(100).optional().describe("as of a date: the previous page's `next`"),
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('entries shown as of a date; changes of each kind listed between two dates'),
})

// a page of a listing ends at an entry: its listing page and position there, opaque to clients
export function encodeListingCursor(cursor: SnapshotCursor): string {
  return Buffer.from(`listing:${cursor.pageNumber}.${cursor.position}`).toString('base64url')
}

/** The entries a listing is asked for; an error (400) when the cursor is not one of ours. */
export function entriesAsked(query: z.infer<typeof ListingQuery>): ListingPageRequest['entries'] {
  if (query.cursor === undefined) return { after: null, limit: query.limit }
  const match = /^listing:(\d{1,9})\.(\d{1,9})$/.exec(Buffer.from(query.cursor, 'base64url').toString())
  if (match === null) throw Object.assign(new Error("cursor: not a cursor of this listing (take it from the previous page's `next`)"), { statusCode: 400 })
  return { after: { pageNumber: Number(match[1]), position: Number(match[2]) }, limit: query.limit }
}

/** The dates a listing is asked for; an error (400) naming the parameter that is not a date. */
export function datesAsked(query: z.infer<typeof ListingQuery>, now: Date): [DateAsked] | [DateAsked, DateAsked] {
  const read = (name: 'as-of' | 'compare' | 'with', text: string): DateAsked => {
    const at = parseSiteDate(text, 'end')
    if (at === null) throw Object.assign(new Error(`${name}: ${JSON.stringify(text)} is not a date (YYYY-MM-DD) or an ISO datetime`), { statusCode: 400 })
    return { at, text }
  }
  if (query.compare !== undefined || query.with !== undefined) {
    if (query.compare === undefined || query.with === undefined) throw Object.assign(new Error('compare and with: give both dates'), { statusCode: 400 })
    return [read('compare', query.compare), read('with', query.with)]
  }
  return [query['as-of'] === undefined ? { at: now, text: now.toISOString() } : read('as-of', query['as-of'])]
}

export default async function listingPages(app: WebApp, options: WebAppOptions): Promise<void> {
  app.get('/listings', { schema: { tags: ['pages'], summary: 'The listings' } }, async (_request, reply) => {
    const listings = await listingStates(options.db)
    const rows = listings.map(
      (listing) => html`<tr><td><a href="${listingPath(listing.source)}">${listing.source}</a></td><td>${listing.status ?? 'never crawled'}</td>
<td>${listing.finishedAt === null ? '' : formatTime(listing.finishedAt)}</td><td>${listing.entries}</td><td>${listing.lastCompleteAt === null ? '' : formatTime(listing.lastCompleteAt)}</td></tr>`,
    )
    const body = html`<h1>Listings</h1>
${listings.length === 0 ? html`<p class="muted">No listing crawled yet.</p>` : html`<table><thead><tr><th scope="col">Listing</th><th scope="col">Last crawl</th><th scope="col">Finished</th><th scope="col">Entries</th><th scope="col">Last complete crawl</th></tr></thead><tbody>${rows}</tbody></table>`}`
    return reply.send(renderPage(reply, { title: 'Listings', current: 'listings', body }))
  })

  app.get('/listings/:source', { schema: { tags: ['pages'], summary: 'A listing as of a date, or two dates compared', params: ListingParams, querystring: ListingQuery } }, async (request, reply) => {
    const dates = datesAsked(request.query, options.now())
    const page = await loadListingPage(options.db, { source: request.params.source, dates, crawls: 20, entries: entriesAsked(request.query) })
    if (page === null) return reply.callNotFound()
    return reply.send(renderPage(reply, { title: page.listing.source, current: 'listings', body: listingBody(page, dates) }))
  })
}

function listingBody(page: ListingPage, dates: [DateAsked] | [DateAsked, DateAsked]): SafeHtml {
  const path = `/listings/${encodeURIComponent(page.listing.source)}`
  const [first, second] = dates
  const view =
    page.view.kind === 'as-of'
      ? html`<h2>As of ${first.text}</h2>${snapshotBlock(page.view.result)}${page.view.next === null ? '' : html`<nav aria-label="More entries"><a href="${path}?${new URLSearchParams({ 'as-of': first.text, cursor: encodeListingCursor(page.view.next) }).toString()}" rel="next">Next entries</a></nav>`}`
      : html`<h2>From ${first.text} to ${second?.text ?? ''}</h2>${comparisonBlock(page)}`
  return html`<h1>${page.listing.source}</h1>
<p>${href(page.listing.url) === null ? page.listing.url : html`<a href="${href(page.listing.url)}" rel="noopener noreferrer">${page.listing.url}</a>`} · <a href="/api/v1${path}">JSON</a></p>
<form class="filters" method="get" action="${path}">
<label>As of <input type="date" name="as-of" value="${siteDay(first.at)}"></label>
<button type="submit">Show</button>
</form>
<form class="filters" method="get" action="${path}">
<label>Compare <input type="date" name="compare" value="${siteDay(first.at)}"></label>
<label>with <input type="date" name="with" value="${siteDay(second?.at ?? first.at)}"></label>
<button type="submit">Compare</button>
</form>
${view}
<h2>Recent crawls</h2>
${crawlsTable(page)}
<h2>Open problems</h2>
${page.problems.length === 0 ? html`<p class="muted">None.</p>` : html`<ul>${page.problems.map((problem) => html`<li>${problem.message} <span class="muted">(since run ${problem.firstRun}, ${problem.occurrences} times)</span></li>`)}</ul>`}`
}

export function gapText(result: Exclude<SnapshotResult, { kind: 'snapshot' }>): string {
  if (result.kind === 'unknown-listing') return 'No listing by this name.'
  if (result.kind === 'before-first-crawl') return `Not crawled yet at that date${result.firstCrawlAt === null ? '' : `: first crawled ${formatTime(result.firstCrawlAt)}`}.`
  return `No complete crawl by that date (${result.crawls} crawls, the latest ${result.latest.status})${result.nextCompleteAt === null ? '' : `; the first complete one finished ${formatTime(result.nextCompleteAt)}`}.`
}

function snapshotBlock(result: SnapshotResult): SafeHtml {
  if (result.kind !== 'snapshot') return html`<p>${gapText(result)}</p>`
  return html`<p class="muted">Last complete crawl then: ${crawlLine(result.snapshot)}</p>${entriesTable(result.snapshot.entries)}`
}

function entriesTable(entries: readonly SnapshotEntry[]): SafeHtml {
  if (entries.length === 0) return html`<p class="muted">No entries.</p>`
  return html`<table><thead><tr><th scope="col">#</th><th scope="col">Title</th><th scope="col">Type</th><th scope="col">Date</th><th scope="col">Themes</th></tr></thead><tbody>
${entries.map((entry) => html`<tr><td>${entry.position}</td><td><a href="${entryPath(entry.key)}">${entry.fields.title ?? '(no title)'}</a></td><td>${entry.fields.type}</td><td>${dateRange(entry.fields)}</td><td>${entry.fields.themes.join(', ')}</td></tr>`)}
</tbody></table>`
}

function comparisonBlock(page: ListingPage): SafeHtml {
  if (page.view.kind !== 'compare') return html``
  const { before, after, comparison } = page.view
  if (comparison === null) {
    return html`${before.kind === 'snapshot' ? '' : html`<p>Earlier date: ${gapText(before)}</p>`}${after.kind === 'snapshot' ? '' : html`<p>Later date: ${gapText(after)}</p>`}`
  }
  const { counts, atLeast } = comparison
  const cut = Math.max(counts.added - comparison.added.length, counts.removed - comparison.removed.length, counts.changed - comparison.changed.length) > 0
  // a count that reached its bound stopped there
  const count = (n: number, kind: keyof typeof atLeast) => `${atLeast[kind] ? 'at least ' : ''}${n} ${kind}`
  return html`<p class="muted">${count(counts.added, 'added')}, ${count(counts.removed, 'removed')}, ${count(counts.changed, 'changed')}, ${count(comparison.unchanged, 'unchanged')}${cut ? ` (the first ${Math.max(comparison.added.length, comparison.removed.length, comparison.changed.length)} of each listed)` : ''}</p>
<h3>Added</h3>${entriesTable(comparison.added)}
<h3>Removed</h3>${entriesTable(comparison.removed)}
<h3>Changed</h3>
${comparison.changed.length === 0 ? html`<p class="muted">None.</p>` : html`<table><thead><tr><th scope="col">Entry</th><th scope="col">Field</th><th scope="col">Before</th><th scope="col">After</th></tr></thead><tbody>
${comparison.changed.flatMap((changed) => changed.changes.map((change) => html`<tr><td><a href="${entryPath(changed.key)}">${changed.after.fields.title ?? changed.key}</a></td><th scope="row">${fieldLabel(change.field)}</th><td><del>${formatValue(change.before)}</del></td><td><ins>${formatValue(change.after)}</ins></td></tr>`))}
</tbody></table>`}`
}

function crawlsTable(page: ListingPage): SafeHtml {
  if (page.crawls.length === 0) return html`<p class="muted">Never crawled.</p>`
  return html`<table><thead><tr><th scope="col">Run</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col">Pages</th><th scope="col">Entries</th><th scope="col">Health</th></tr></thead><tbody>
${page.crawls.map((crawl) => html`<tr><td>${crawl.runId}</td><td>${crawl.mode}</td><td>${crawl.status}${crawl.reason === null ? '' : html` <span class="muted">(${crawl.reason})</span>`}</td><td>${formatTime(crawl.startedAt)}</td><td>${crawl.pages}</td><td>${crawl.entries}</td>
<td>${crawl.health.length === 0 ? 'healthy' : crawl.health.map((event) => html`<div>${event.problem}: ${event.message}${event.pageFetchId === null ? '' : html` <a href="/pages/${event.pageFetchId}">stored page</a>`}</div>`)}</td></tr>`)}
</tbody></table>`
}
