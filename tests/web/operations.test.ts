// Operations through app.inject() on PGlite and PostgreSQL: runs of real crawls of the replica,
// deliveries, a dead message resent by an admin with the page's CSRF token, refused to a viewer
// and without the token; crawl now refused without a crawler, started with one.
import { describe, expect, it } from 'vitest'
import type { Kysely } from 'kysely'
import { claimDeliveries, insertDeliveries, markMessageFailed } from '../../db/outbox.ts'
import type { Database } from '../../db/schema.ts'
import { buildWebApp } from '../../src/web/app.ts'
import type { WebAppOptions } from '../../src/web/context.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { useReplica } from '../support/replica.ts'
import { afterRun, watchReplica } from '../support/watched-replica.ts'

const replica = useReplica()

async function deadMessage(db: Kysely<Database>): Promise<number> {
  const event = await db.selectFrom('change_event').select('id').orderBy('id').executeTakeFirstOrThrow()
  await insertDeliveries(db, [{ eventId: event.id, subscription: 'hook' }], afterRun(0))
  await claimDeliveries(db, 'hook', 10, afterRun(0))
  const message = await db.selectFrom('delivery_message').select('id').executeTakeFirstOrThrow()
  await markMessageFailed(db, { messageId: message.id, error: 'HTTP 410 Gone', nextAttemptAt: null })
  return message.id
}

describe.each(backends)('operations on %s', (backend) => {
  const db = useTestDatabase(backend)
  const options = (more: Partial<WebAppOptions> = {}): WebAppOptions => ({ db: db(), now: () => afterRun(1), secureCookies: false, sources: ['social-innovation'], ...more })

  it('shows runs and deliveries, and resends a dead message for an admin with the CSRF token only', async () => {
    await watchReplica(db(), replica(), [{ step: 0 }, { step: 0 }])
    const id = await deadMessage(db())
    const web = await buildWebApp(options())
    const page = await web.inject({ method: 'GET', url: '/operations' })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<h2>Runs</h2>')
    expect(page.body).toContain('HTTP 410 Gone')
    expect(page.body).not.toContain('Crawl now')
    const form = new RegExp(`<form method="post" action="/deliveries/${id}/resend"><input type="hidden" name="_csrf" value="([^"]+)">`).exec(page.body)
    expect(form).not.toBeNull()
    const cookie = String(page.headers['set-cookie']).split(';')[0] ?? ''

    const forged = await web.inject({ method: 'POST', url: `/deliveries/${id}/resend`, headers: { cookie }, payload: {} })
    expect(forged.statusCode).toBe(403)
    expect((await db().selectFrom('delivery_message').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('dead')

    const resent = await web.inject({ method: 'POST', url: `/deliveries/${id}/resend`, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(form?.[1] ?? '')}` })
    expect([resent.statusCode, resent.headers.location]).toEqual([303, '/operations'])
    const row = await db().selectFrom('delivery_message').select(['status', 'next_attempt_at']).where('id', '=', id).executeTakeFirstOrThrow()
    expect([row.status, row.next_attempt_at.toISOString()]).toEqual(['pending', afterRun(1).toISOString()])

    const waiting = (await web.inject({ method: 'GET', url: '/api/v1/deliveries?state=waiting' })).json<{ items: { id: number; lastError: string }[] }>()
    expect(waiting.items.map((message) => [message.id, message.lastError])).toEqual([[id, 'HTTP 410 Gone']])
    const first = (await web.inject({ method: 'GET', url: '/api/v1/runs?limit=1' })).json<{ items: { id: number }[]; next: string }>()
    const second = (await web.inject({ method: 'GET', url: `/api/v1/runs?limit=1&cursor=${first.next}` })).json<{ items: { id: number }[] }>()
    expect([first.items[0]?.id, second.items[0]?.id]).toEqual([2, 1])
    await web.close()
  })

  it('refuses admin actions to a viewer, and crawls now only when the server can', async () => {
    await watchReplica(db(), replica(), [{ step: 0 }])
    const id = await deadMessage(db())
    const viewerApp = await buildWebApp(options())
    viewerApp.addHook('onRequest', async (request) => {
      request.viewer = { name: 'ann', role: 'viewer', via: 'token' }
    })
    // the app's one admin check (auth.ts requireAdmin): its line names who may only read
    const adminOnly = { error: 403, message: 'this needs the admin role; ann may only read' }
    expect((await viewerApp.inject({ method: 'POST', url: `/api/v1/deliveries/${id}/resend` })).json()).toEqual(adminOnly)
    expect((await viewerApp.inject({ method: 'POST', url: '/api/v1/crawl', payload: { sources: 'all' } })).json()).toEqual(adminOnly)
    expect((await viewerApp.inject({ method: 'GET', url: '/operations' })).body).not.toContain('Send again')
    await viewerApp.close()

    const cannot = await buildWebApp(options())
    cannot.addHook('onRequest', async (request) => {
      request.viewer = { name: 'root', role: 'admin', via: 'token' }
    })
    const refused = await cannot.inject({ method: 'POST', url: '/api/v1/crawl', payload: { sources: 'all' } })
    expect(refused.statusCode).toBe(503)
    expect(refused.json<{ message: string }>().message).toMatch(/^this server cannot crawl/)
    expect((await cannot.inject({ method: 'POST', url: `/api/v1/deliveries/${id}/resend` })).json()).toEqual({ outcome: 'resent' })
    expect((await cannot.inject({ method: 'POST', url: `/api/v1/deliveries/${id}/resend` })).json()).toEqual({ outcome: 'pending' })
    await cannot.close()

    const asked: (readonly string[] | 'all')[] = []
    const can = await buildWebApp(options({ crawlNow: (sources) => (asked.push(sources), { started: true }) }))
    can.addHook('onRequest', async (request) => {
      request.viewer = { name: 'root', role: 'admin', via: 'token' }
    })
    expect((await can.inject({ method: 'POST', url: '/api/v1/crawl', payload: { sources: ['social-innovation'] } })).statusCode).toBe(202)
    const unknown = await can.inject({ method: 'POST', url: '/api/v1/crawl', payload: { sources: ['nope'] } })
    expect([unknown.statusCode, unknown.json<{ message: string }>().message]).toEqual([400, 'source: no listing nope in the configuration'])
    expect(asked).toEqual([['social-innovation']])
    await can.close()
  })
})
