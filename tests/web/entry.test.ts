// The entry page, its JSON and the stored pages behind it, through app.inject() over real crawls of
// the replica, on PGlite and PostgreSQL. A stored page with a script is served inert.
import { describe, expect, it } from 'vitest'
import { buildWebApp } from '../../src/web/app.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { useReplica } from '../support/replica.ts'
import { watchReplica } from '../support/watched-replica.ts'

const replica = useReplica()

// the entry's own page, as a hostile site might answer it: still the legacy markup the profile reads
const HOSTILE_DETAIL = `<!doctype html><html><head><meta charset="utf-8"><base href="https://evil.example/">
<meta http-equiv="refresh" content="0;url=https://evil.example/"><script>parent.document.title = 'ran'</script><link rel="stylesheet" href="https://evil.example/x.css"></head>
<body onload="parent.alert(1)"><div id="content"><h1 class="detailtitle">Munich&rsquo;s conflict management office</h1>
<div class="detailinfo"><span class="newstype">case study</span> &middot; <span class="newsdate">publication date: 11-10-2019</span></div>
<div class="detailtext"><p>Munich mediates. <a href="/eurocities/news/more-WSPO-AAAAAA" onclick="parent.alert(2)">more</a> <a href="javascript:parent.alert(3)">bad</a></p></div></div>
<img src="x.png" onerror="parent.alert(4)"><iframe src="https://evil.example/frame"></iframe></body></html>`

describe.each(backends)('entry page on %s', (backend) => {
  const db = useTestDatabase(backend)
  const app = () => buildWebApp({ db: db(), now: () => new Date(), secureCookies: false, sources: ['social-innovation'] })

  it('shows versions, listings, alerts and stored pages, and its JSON with an ETag', async () => {
    await watchReplica(db(), replica(), [{ step: 0, faults: [{ kind: 'replace', match: 'WSPO-BGYT8M', status: 200, body: HOSTILE_DETAIL, contentType: 'text/html; charset=utf-8' }] }, { step: 0 }, { step: 2 }])
    const web = await app()
    const page = await web.inject({ method: 'GET', url: '/entries/WSPO-BGYT8M' })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<h2>Versions</h2>')
    expect(page.body).toMatch(/Version 2: from run 3/)
    expect(page.body).toContain('<ins>')
    expect(page.body).toContain('href="/listings/social-innovation"')
    const frame = /<iframe class="stored-page" sandbox src="(\/pages\/[^"]+)"/.exec(page.body)
    expect(frame?.[1]).toBeDefined()

    const json = await web.inject({ method: 'GET', url: '/api/v1/entries/WSPO-BGYT8M' })
    expect(json.statusCode).toBe(200)
    const body = json.json<{ key: string; versions: { changes: { field: string }[] }[]; pages: { kind: string; view: string }[] }>()
    expect(body.key).toBe('WSPO-BGYT8M')
    expect(body.versions.map((version) => version.changes.map((change) => change.field))).toEqual([[], ['summary']])
    const etag = json.headers.etag
    expect(etag).toMatch(/^W\//)
    expect((await web.inject({ method: 'GET', url: '/api/v1/entries/WSPO-BGYT8M', headers: { 'if-none-match': String(etag) } })).statusCode).toBe(304)

    // its own page, stored as the hostile site answered it, served inert
    const own = body.pages.find((stored) => stored.kind === 'entry-page')
    expect(own).toBeDefined()
    const stored = await web.inject({ method: 'GET', url: own?.view ?? '' })
    expect(stored.statusCode).toBe(200)
    const csp = String(stored.headers['content-security-policy'])
    expect(csp.split(';')[0]?.trim()).toBe('sandbox')
    expect(csp).not.toContain('allow-scripts')
    expect(csp).toContain("frame-ancestors 'self'")
    expect(stored.headers['x-content-type-options']).toBe('nosniff')
    expect(stored.body).toContain('Munich mediates.')
    expect(stored.body).not.toMatch(/<script|<base|http-equiv|<iframe|<link|javascript:|\son\w+=/i)
    expect(stored.body).toContain('<a href="http://www.eurocities.eu/eurocities/news/more-WSPO-AAAAAA" target="_blank" rel="noopener noreferrer">more</a>')
    await web.close()
  })

  it('answers 404 for an unknown entry or stored page', async () => {
    const web = await app()
    expect((await web.inject({ method: 'GET', url: '/entries/WSPO-NOSUCH' })).statusCode).toBe(404)
    const missing = await web.inject({ method: 'GET', url: '/api/v1/entries/WSPO-NOSUCH' })
    expect([missing.statusCode, missing.json()]).toEqual([404, { error: 404, message: 'no entry WSPO-NOSUCH' }])
    expect((await web.inject({ method: 'GET', url: '/pages/4242' })).statusCode).toBe(404)
    expect((await web.inject({ method: 'GET', url: '/pages/entry/4242' })).statusCode).toBe(404)
    expect((await web.inject({ method: 'GET', url: '/pages/nope' })).statusCode).toBe(400)
    await web.close()
  })
})
