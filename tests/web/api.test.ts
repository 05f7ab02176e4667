// What the whole API shares, route module by route module: a weak ETag on every GET answered by
// one hook (app.ts), honoured with 304 under weak comparison; one cursor for the lists ordered by id.
import { describe, expect, it } from 'vitest'
import { buildWebApp } from '../../src/web/app.ts'
import { entryPath } from '../../src/web/paths.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { useReplica } from '../support/replica.ts'
import { afterRun, watchReplica } from '../support/watched-replica.ts'

const replica = useReplica()

const API_READS = ['/api/v1/changes?show=all', '/api/v1/entries', '/api/v1/entries/WSPO-BGYT8M', '/api/v1/listings', '/api/v1/listings/social-innovation', '/api/v1/runs', '/api/v1/problems', '/api/v1/subscriptions', '/api/v1/deliveries']

describe.each(backends)('the API on %s', (backend) => {
  const db = useTestDatabase(backend)
  const build = () => buildWebApp({ db: db(), now: () => afterRun(1), secureCookies: false, sources: ['social-innovation'] })

  it('gives every GET a weak ETag and answers 304 to a client holding it, W/ or not', async () => {
    await watchReplica(db(), replica(), [{ step: 0 }])
    const web = await build()
    for (const url of API_READS) {
      const first = await web.inject({ method: 'GET', url })
      expect([url, first.statusCode]).toEqual([url, 200])
      const etag = String(first.headers.etag)
      expect([url, etag]).toEqual([url, expect.stringMatching(/^W\/"[\w-]+"$/)])
      const strong = etag.replace(/^W\//, '')
      const again = await web.inject({ method: 'GET', url, headers: { 'if-none-match': `"other", ${strong}` } })
      expect([url, again.statusCode, again.body]).toEqual([url, 304, ''])
    }
    await web.close()
  })

  it('pages the changes and the runs with one cursor, and refuses a made-up one in one line', async () => {
    await watchReplica(db(), replica(), [{ step: 0 }, { step: 1 }])
    const web = await build()
    for (const list of ['/api/v1/changes?show=all&limit=1', '/api/v1/runs?limit=1', '/api/v1/deliveries?limit=1']) {
      const bogus = await web.inject({ method: 'GET', url: `${list}&cursor=bogus` })
      expect([list, bogus.statusCode]).toEqual([list, 400])
      expect(bogus.json()).toEqual({ error: 400, message: expect.stringMatching(/^querystring cursor: [^\n]+$/) })
    }
    const runs = (await web.inject({ method: 'GET', url: '/api/v1/runs?limit=1' })).json<{ next: string }>()
    const changes = (await web.inject({ method: 'GET', url: '/api/v1/changes?show=all&limit=1' })).json<{ next: string }>()
    // the same codec: a cursor names an id to continue below, whichever list gave it
    expect(Buffer.from(runs.next, 'base64url').toString()).toMatch(/^before:\d+$/)
    expect(Buffer.from(changes.next, 'base64url').toString()).toMatch(/^before:\d+$/)
    await web.close()
  })

  it('links a search result and a change to the entry page, the entry page to its listings', async () => {
    await watchReplica(db(), replica(), [{ step: 0 }, { step: 1 }])
    const web = await build()
    expect((await web.inject({ method: 'GET', url: '/entries' })).body).toContain('<a href="/entries/WSPO-BGYT8M">')
    const inbox = (await web.inject({ method: 'GET', url: '/?show=all' })).body
    const changes = inbox.match(/<article class="change/g)?.length ?? 0
    expect(changes).toBeGreaterThan(0)
    expect(inbox.match(/<a href="\/entries\/[^"]+">Entry<\/a>/g)?.length).toBe(changes)
    expect((await web.inject({ method: 'GET', url: '/entries/WSPO-BGYT8M' })).body).toContain('<a href="/listings/social-innovation">')
    await web.close()
  })

  it('reaches an entry whose key is a URL (slashes, ?, &) through its encoded path', async () => {
    const key = 'https://www.eurocities.eu/a/b/?id=1&lang=fr'
    const web = await build()
    expect(entryPath(key)).toBe('/entries/https%3A%2F%2Fwww.eurocities.eu%2Fa%2Fb%2F%3Fid%3D1%26lang%3Dfr')
    const json = await web.inject({ method: 'GET', url: `/api/v1${entryPath(key)}` })
    // the whole key reached the entry route as one parameter
    expect([json.statusCode, json.json()]).toEqual([404, { error: 404, message: `no entry ${key}` }])
    await web.close()
  })
})
