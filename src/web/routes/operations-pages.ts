// Operations: runs and their results, problems open and resolved, health events, each
// subscription's deliveries; an admin can send a dead message again and start a crawl.
import { z } from 'zod'
import { deliveryMessages, operatorProblems, recentHealthEvents, recentRuns, resendMessage, type MessageRow } from '../../../db/operations.ts'
import { deliveryCounts } from '../../../db/outbox.ts'
import { formatTime } from '../../reports/fields.ts'
import { requireAdmin } from '../auth.ts'
import type { CrawlStart, WebApp, WebAppOptions } from '../context.ts'
import { html, type SafeHtml } from '../html.ts'
import { csrfField, renderPage } from '../layout.ts'

export const MessageParams = z.object({ id: z.coerce.number().int().positive().describe('the delivery message id') })

/** The listings a crawl asks for: 'all', or names the configuration has (an unknown one is refused, 400). */
export function crawlSources(asked: readonly string[] | 'all', options: WebAppOptions): readonly string[] | 'all' {
  if (asked === 'all') return 'all'
  const unknown = asked.filter((name) => !options.sources.includes(name))
  if (unknown.length > 0 || asked.length === 0) throw Object.assign(new Error(`source: ${unknown.length === 0 ? 'name a listing or all' : `no listing ${unknown.join(', ')} in the configuration`}`), { statusCode: 400 })
  return asked
}

export const NO_CRAWLER = "this server cannot crawl: start it with `eurowatch serve` and a configuration's listings, or run `eurowatch run`"

/** Starts the crawl, or says why not: 503 when this server cannot crawl, 409 when one it started still runs. */
export function startCrawl(sources: readonly string[] | 'all', options: WebAppOptions): { status: 202 } | { status: 409 | 503; message: string } {
  if (options.crawlNow === undefined) return { status: 503, message: NO_CRAWLER }
  const start: CrawlStart = options.crawlNow(sources)
  return start.started ? { status: 202 } : { status: 409, message: `not started: ${start.reason}` }
}

export default async function operationsPages(app: WebApp, options: WebAppOptions): Promise<void> {
  app.get('/operations', { schema: { tags: ['pages'], summary: 'Runs, problems and deliveries' } }, async (request, reply) => {
    const [runs, problems, health, subscriptions, failing, dead] = await Promise.all([
      recentRuns(options.db, 20),
      operatorProblems(options.db, 20),
      recentHealthEvents(options.db, 20),
      deliveryCounts(options.db),
      deliveryMessages(options.db, { subscription: null, state: 'failing', limit: 50, before: null }),
      deliveryMessages(options.db, { subscription: null, state: 'dead', limit: 50, before: null }),
    ])
    const admin = request.viewer?.role === 'admin'
    const crawlForm =
      admin && options.crawlNow !== undefined
        ? html`<form class="filters" method="post" action="/crawl">${csrfField(reply)}
<label>Listing <select name="source"><option value="all">all listings</option>${options.sources.map((source) => html`<option value="${source}">${source}</option>`)}</select></label>
<button type="submit">Crawl now</button></form>`
        : ''
    const body = html`<h1>Operations</h1>
${crawlForm}
<h2>Runs</h2>
${runs.length === 0 ? html`<p class="muted">No run yet.</p>` : html`<table><thead><tr><th scope="col">Run</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col">Finished</th><th scope="col">Listings</th><th scope="col">Pages</th><th scope="col">Entries</th><th scope="col">Changes</th><th scope="col">Health events</th></tr></thead><tbody>
${runs.map((run) => html`<tr><td>${run.id}${run.kind === 'backfill' ? ' (backfill)' : ''}</td><td>${run.status}${run.error === null ? '' : html` <span class="error">${run.error}</span>`}</td><td>${formatTime(run.startedAt)}</td><td>${run.finishedAt === null ? '' : formatTime(run.finishedAt)}</td>
<td>${Object.entries(run.crawls).map(([status, count]) => `${count} ${status}`).join(', ')}</td><td>${run.pagesFetched}</td><td>${run.entriesSeen}</td><td>${run.changes}</td><td>${run.healthEvents}</td></tr>`)}
</tbody></table>`}
<h2>Problems</h2>
${problems.length === 0 ? html`<p class="muted">None.</p>` : html`<table><thead><tr><th scope="col">Problem</th><th scope="col">State</th><th scope="col">Runs</th><th scope="col">Message</th></tr></thead><tbody>
${problems.map((problem) => html`<tr><td>${problem.problem}</td><td>${problem.resolvedAt === null ? `open since ${formatTime(problem.openedAt)}` : `resolved ${formatTime(problem.resolvedAt)}`}</td><td>${problem.firstRun} to ${problem.lastRun} (${problem.occurrences} times)</td><td>${problem.message}</td></tr>`)}
</tbody></table>`}
<h2>Health events</h2>
${health.length === 0 ? html`<p class="muted">None.</p>` : html`<ul>${health.map((event) => html`<li>run ${event.runId}, ${event.listing}: ${event.problem}: ${event.message}${event.pageFetchId === null ? '' : html` <a href="/pages/${event.pageFetchId}">stored page</a>`}</li>`)}</ul>`}
<h2>Deliveries</h2>
${subscriptions.length === 0 ? html`<p class="muted">No subscription.</p>` : html`<table><thead><tr><th scope="col">Subscription</th><th scope="col">Sent</th><th scope="col">Waiting</th><th scope="col">Failing</th><th scope="col">Dead</th><th scope="col">Last sent</th><th scope="col">Last error</th></tr></thead><tbody>
${subscriptions.map((s) => html`<tr><td>${s.subscription}</td><td>${s.sent}</td><td>${s.waiting + s.pending}</td><td>${s.failing}</td><td>${s.dead}</td><td>${s.lastSentAt === null ? '' : formatTime(new Date(s.lastSentAt))}</td><td>${s.lastError}</td></tr>`)}
</tbody></table>`}
<h3>Failing and dead messages</h3>
${messagesTable([...failing, ...dead], admin ? (message) => resendForm(message, csrfField(reply)) : null)}`
    return reply.send(renderPage(reply, { title: 'Operations', current: 'operations', body }))
  })

  app.post('/deliveries/:id/resend', { schema: { tags: ['pages'], summary: 'Send a dead message again (admin)', params: MessageParams }, preHandler: requireAdmin }, async (request, reply) => {
    const outcome = await resendMessage(options.db, request.params.id, options.now())
    if (outcome === null) return reply.callNotFound()
    return reply.redirect('/operations', 303)
  })

  app.post('/crawl', { schema: { tags: ['pages'], summary: 'Crawl now (admin)', body: z.object({ source: z.string().default('all'), _csrf: z.string().optional() }) }, preHandler: requireAdmin }, async (request, reply) => {
    const start = startCrawl(crawlSources(request.body.source === 'all' ? 'all' : [request.body.source], options), options)
    if (start.status === 202) return reply.redirect('/operations', 303)
    return reply.code(start.status).send(renderPage(reply, { title: 'Crawl not started', current: 'operations', body: html`<h1>Crawl not started</h1><p class="error">${start.message}</p>` }))
  })
}

function resendForm(message: MessageRow, csrf: SafeHtml): SafeHtml {
  if (message.state !== 'dead') return html``
  return html`<form method="post" action="/deliveries/${message.id}/resend">${csrf}<button type="submit">Send again</button></form>`
}

function messagesTable(messages: readonly MessageRow[], action: ((message: MessageRow) => SafeHtml) | null): SafeHtml {
  if (messages.length === 0) return html`<p class="muted">None.</p>`
  return html`<table><thead><tr><th scope="col">Message</th><th scope="col">Subscription</th><th scope="col">State</th><th scope="col">Attempts</th><th scope="col">Last error</th>${action === null ? '' : html`<th scope="col">Action</th>`}</tr></thead><tbody>
${messages.map((message) => html`<tr><td>${message.id} (${message.events} changes)</td><td>${message.subscription}</td><td>${message.state}${message.state === 'failing' ? ` (next ${formatTime(message.nextAttemptAt)})` : ''}</td><td>${message.attempts}</td><td>${message.lastError}</td>${action === null ? '' : html`<td>${action(message)}</td>`}</tr>`)}
</tbody></table>`
}
