// The changes inbox over HTTP (app.inject), on real changes: the legacy replica crawled through steps 0-3.
import { load } from 'cheerio'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { buildWebApp, type WebApp } from '../../src/web/app.ts'
import { backends, openTestDatabase, type TestDatabase } from '../support/databases.ts'
import { useReplica } from '../support/replica.ts'
import { timelineChanges } from '../support/timeline-changes.ts'
import { runTimeline, timelineSources } from '../support/timeline-runs.ts'

const replica = useReplica()
const everyChange = () => timelineChanges(timelineSources, 1, 2, 3)

interface ItemJson {
  id: number
  read: boolean
  kind: string
  entry: { key: string }
  fields: { field: string; before: unknown; after: unknown }[]
}

describe.each(backends)('changes inbox pages and API on %s', { timeout: 180_000 }, (backend) => {
  let database: TestDatabase
  let app: WebApp
  beforeAll(async () => {
    database = await openTestDatabase(backend)
    await runTimeline(database.db, replica(), [0, 1, 2, 3])
    app = await buildWebApp({ db: database.db, now: () => new Date(), secureCookies: false, sources: timelineSources.map((source) => source.name) })
  }, 300_000)
  afterAll(async () => {
    await app?.close()
    await database?.close()
  })
  beforeEach(async () => {
    await database.db.deleteFrom('read_mark').execute()
    await database.db.deleteFrom('reader').execute()
  })

  const page = async (url: string) => {
    const response = await app.inject({ method: 'GET', url })
    expect(response.statusCode, response.body).toBe(200)
    return { $: load(response.body), body: response.body, csrfCookie: response.cookies.find((cookie) => cookie.name === '_csrf')?.value ?? '' }
  }
  const shownKeys = ($: ReturnType<typeof load>) =>
    $('article.change')
      .toArray()
      .map((article) => `${$(article).find('.kind').text().toLowerCase()} ${$(article).find('.muted').eq(1).text().split(' · ')[0]}`)
      .sort()
  /** Posts a page's form as a browser would: its fields, its CSRF cookie. */
  const submit = async (from: { $: ReturnType<typeof load>; csrfCookie: string }, selector: string) => {
    const form = from.$(selector).first()
    const fields = new URLSearchParams(form.find('input').toArray().map((input): [string, string] => [from.$(input).attr('name') ?? '', from.$(input).attr('value') ?? '']))
    return app.inject({
      method: 'POST',
      url: form.attr('action') ?? '',
      payload: fields.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      cookies: { _csrf: from.csrfCookie },
    })
  }
  const api = async (url: string) => {
    const response = await app.inject({ method: 'GET', url })
    expect(response.statusCode, response.body).toBe(200)
    return { body: response.json() as { items: ItemJson[]; next: string | null }, etag: response.headers.etag }
  }

  it('shows what is unread by default, grouped by run, newest first, without the baseline', async () => {
    const { $ } = await page('/')
    expect($('h1').text()).toBe('Changes since you last looked')
    expect(shownKeys($)).toEqual(everyChange())
    const runs = $('section.run h2').toArray().map((h2) => Number(/Run (\d+)/.exec($(h2).text())?.[1]))
    expect(runs).toHaveLength(3)
    expect(runs).toEqual([...runs].sort((a, b) => b - a))
    expect($('article.change.unread')).toHaveLength(everyChange().length)
  })

  it('shows fields before and after, the summary as a word diff, a move as a move', async () => {
    const { $ } = await page('/?show=all')
    const munich = $('article.change').filter((_, article) => $(article).text().includes('WSPO-BGYT8M'))
    expect(munich.find('td.word-diff ins').text()).toContain('now twelve mediators strong')
    const rennes = $('article.change').filter((_, article) => $(article).text().includes('WSPO-BGYT6F'))
    expect(rennes.find('tbody th[scope="row"]').text()).toBe('themes')
    expect(rennes.find('tbody ins').text()).toBe('cooperation')
    const moved = $('article.change').filter((_, article) => $(article).find('.kind').text() === 'Moved')
    expect(moved.find('p.move').text()).toMatch(/^Moved from http\S+WSPO-BCKM2P to http\S+WSPO-BCKM2P$/)
    expect(moved.find('tbody th').text()).toBe('title')
    expect(moved.find('h3 a').text()).toBe('Vilnius Tech Park: a hospital reborn')
  })

  it('keeps the filters in the URL and in the form', async () => {
    const changed = await page('/?show=all&kind=changed')
    expect(shownKeys(changed.$)).toEqual(['changed WSPO-BGYT6F', 'changed WSPO-BGYT8M'])
    expect(changed.$('select[name="kind"] option[selected]').attr('value')).toBe('changed')
    expect(changed.$('select[name="show"] option[selected]').attr('value')).toBe('all')
    expect(shownKeys((await page('/?q=child+guarantee')).$)).toEqual(['new WSPO-BH4N7W'])
    expect(shownKeys((await page('/?theme=cooperation&kind=new')).$)).toEqual(['new WSPO-BH4N5T'])
    expect(shownKeys((await page('/?type=publication&kind=new&listing=')).$)).toEqual(['new WSPO-BH4N2R'])
    expect(shownKeys((await page('/?to=2000-01-01')).$)).toEqual([])
    expect((await app.inject({ method: 'GET', url: '/?kind=exploded' })).statusCode).toBe(400)
  })

  it('marks one read with the form, refuses it without the CSRF token', async () => {
    const inbox = await page('/')
    const first = inbox.$('article.change').first()
    const id = first.attr('data-change-id')
    const response = await submit(inbox, `#change-${id} form.mark`)
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/')
    const after = await page('/')
    expect(after.$(`#change-${id}`)).toHaveLength(0)
    expect(after.$('article.change')).toHaveLength(everyChange().length - 1)
    expect((await page(`/changes/${id}`)).$('article.change .state').text()).toBe('Read')

    const forged = await app.inject({ method: 'POST', url: `/changes/${inbox.$('article.change').eq(1).attr('data-change-id')}/read`, payload: 'read=true', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(forged.statusCode).toBe(403)
    expect((await page('/')).$('article.change')).toHaveLength(everyChange().length - 1)
  })

  it('answers htmx with the change alone, marked', async () => {
    const inbox = await page('/')
    const id = inbox.$('article.change').first().attr('data-change-id')
    const token = inbox.$('meta[name="csrf-token"]').attr('content') ?? ''
    const response = await app.inject({
      method: 'POST', url: `/changes/${id}/read`, payload: 'read=true&return=%2F',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'hx-request': 'true', 'x-csrf-token': token }, cookies: { _csrf: inbox.csrfCookie },
    })
    expect(response.statusCode, response.body).toBe(200)
    const fragment = load(response.body, null, false)
    expect(fragment('article.change.read').attr('id')).toBe(`change-${id}`)
    expect(fragment('form.mark button').text()).toBe('Mark unread')
  })

  it('marks all read, then shows nothing unread while every change stays under "all"', async () => {
    const inbox = await page('/')
    const response = await submit(inbox, 'form.mark-all')
    expect(response.statusCode).toBe(303)
    const after = await page('/')
    expect(after.$('article.change')).toHaveLength(0)
    expect(after.$('main').text()).toContain('Nothing unread')
    const all = await page('/?show=all')
    expect(all.$('article.change.read')).toHaveLength(everyChange().length)
    const reader = await database.db.selectFrom('reader').selectAll().executeTakeFirstOrThrow()
    expect(reader.name).toBe('local')
    expect(reader.read_through_event).toBe(Number(inbox.$('article.change').first().attr('data-change-id')))
  })

  it('marks read within a filter only', async () => {
    const response = await submit(await page('/?kind=changed'), 'form.mark-all')
    expect(response.headers.location).toBe('/?kind=changed')
    expect(shownKeys((await page('/')).$)).toEqual(everyChange().filter((key) => !key.startsWith('changed')))
  })

  it('gives each change a permalink and its JSON', async () => {
    const inbox = await page('/?show=all')
    const moved = inbox.$('article.change').filter((_, article) => inbox.$(article).find('.kind').text() === 'Moved')
    const permalink = moved.find('a.permalink').attr('href') ?? ''
    expect(permalink).toMatch(/^\/changes\/\d+$/)
    const own = await page(permalink)
    expect(own.$('h1').text()).toMatch(/^Moved: change \d+$/)
    expect(own.$('article h2').text()).toBe('Vilnius Tech Park: a hospital reborn')
    const json = await app.inject({ method: 'GET', url: moved.find('a[type="application/json"]').attr('href') ?? '' })
    expect(json.json()).toMatchObject({ kind: 'moved', entry: { key: 'WSPO-BCKM2P' }, permalink, read: false })
    expect((await app.inject({ method: 'GET', url: '/changes/999999' })).statusCode).toBe(404)
    expect((await app.inject({ method: 'GET', url: '/api/v1/changes/999999' })).statusCode).toBe(404)
  })

  it('answers the API in the JSON report shape, with cursor pages and an ETag', async () => {
    const { body, etag } = await api('/api/v1/changes?show=all')
    expect(body.items.map((item) => `${item.kind} ${item.entry.key}`).sort()).toEqual(everyChange())
    expect(body.next).toBeNull()
    expect(Object.keys(body.items[0] ?? {}).sort()).toEqual(['detectedAt', 'entry', 'fields', 'id', 'kind', 'listing', 'listings', 'permalink', 'read', 'runId'])
    const munich = body.items.find((item) => item.entry.key === 'WSPO-BGYT8M')
    expect(munich?.fields).toEqual([expect.objectContaining({ field: 'summary', after: expect.stringContaining('now twelve mediators strong') })])

    expect(etag).toMatch(/^W\/"/)
    const again = await app.inject({ method: 'GET', url: '/api/v1/changes?show=all', headers: { 'if-none-match': etag } })
    expect(again.statusCode).toBe(304)
    expect(again.body).toBe('')

    const first = await api('/api/v1/changes?show=all&limit=4')
    expect(first.body.items.map((item) => item.id)).toEqual(body.items.slice(0, 4).map((item) => item.id))
    const second = await api(`/api/v1/changes?show=all&limit=4&cursor=${first.body.next}`)
    expect(second.body.items.map((item) => item.id)).toEqual(body.items.slice(4).map((item) => item.id))
    expect(second.body.next).toBeNull()
    expect((await app.inject({ method: 'GET', url: '/api/v1/changes?cursor=bogus' })).statusCode).toBe(400)
    expect((await app.inject({ method: 'GET', url: '/api/v1/changes?limit=501' })).statusCode).toBe(400)
  })

  it('marks read through the API; the list and its ETag change', async () => {
    const { body, etag } = await api('/api/v1/changes')
    const id = body.items[0]?.id
    const { csrfCookie, $ } = await page('/')
    const token = $('meta[name="csrf-token"]').attr('content') ?? ''
    const marked = await app.inject({ method: 'POST', url: `/api/v1/changes/${id}/read`, payload: { read: true }, headers: { 'x-csrf-token': token }, cookies: { _csrf: csrfCookie } })
    expect(marked.statusCode, marked.body).toBe(200)
    expect(marked.json()).toEqual({ id, read: true })
    const after = await app.inject({ method: 'GET', url: '/api/v1/changes', headers: { 'if-none-match': etag } })
    expect(after.statusCode).toBe(200)
    expect((after.json() as { items: ItemJson[] }).items.map((item) => item.id)).not.toContain(id)
    expect((await app.inject({ method: 'POST', url: `/api/v1/changes/${id}/read`, payload: { read: false } })).statusCode).toBe(403)
  })

  it('describes its API routes in the OpenAPI document', async () => {
    const document = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, unknown> }
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/v1/changes', '/api/v1/changes/{id}', '/api/v1/changes/{id}/read']))
  })

  it('keeps hostile site text inert', async () => {
    const { body: before } = await api('/api/v1/changes?show=all&kind=new&limit=1')
    const id = before.items[0]?.id ?? 0
    const event = await database.db.selectFrom('change_event').select('version_id').where('id', '=', id).executeTakeFirstOrThrow()
    const original = await database.db.selectFrom('entry_version').select(['title', 'url', 'summary']).where('id', '=', event.version_id).executeTakeFirstOrThrow()
    await database.db
      .updateTable('entry_version')
      .set({ title: '<script>alert(1)</script> \u202Efdp.exe', url: 'javascript:alert(document.domain)', summary: '<img src=x onerror=alert(1)> "quoted" \u001b[31mred' })
      .where('id', '=', event.version_id)
      .execute()
    try {
      for (const url of [`/changes/${id}`, '/?show=all']) {
        const { $, body } = await page(url)
        expect($('main script')).toHaveLength(0)
        expect($('main img')).toHaveLength(0)
        expect(body).not.toMatch(/href="javascript:/i)
        expect(body).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u001b]/)
        expect($(`#change-${id} h3, #change-${id} h2`).text()).toBe('<script>alert(1)</script> fdp.exe')
      }
    } finally {
      await database.db.updateTable('entry_version').set(original).where('id', '=', event.version_id).execute()
    }
  })
})
