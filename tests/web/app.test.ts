// The web app's frame, through app.inject(): what every page and API route shares.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildWebApp, type WebApp } from '../../src/web/app.ts'
import { openTestDatabase, type TestDatabase } from '../support/databases.ts'

// the frame reads nothing: one database for the file
let database: TestDatabase
beforeAll(async () => {
  database = await openTestDatabase('pglite')
})
afterAll(() => database.close())

async function app(): Promise<WebApp> {
  const built = await buildWebApp({ db: database.db, now: () => new Date(), secureCookies: false, sources: [] })
  // a writing route of our own: the frame's CSRF check is what is tested
  built.post('/test-write', async () => ({ written: true }))
  return built
}

/** The page's CSRF token and its cookie, as a browser holds them after loading a page. */
async function browserToken(web: WebApp): Promise<{ token: string; cookie: string }> {
  const page = await web.inject({ method: 'GET', url: '/nothing-here' })
  const token = /<meta name="csrf-token" content="([^"]+)">/.exec(page.body)?.[1]
  const cookie = page.cookies.find((c) => c.name === '_csrf')
  if (token === undefined || cookie === undefined) throw new Error('no CSRF token on the page')
  return { token, cookie: `_csrf=${cookie.value}` }
}

describe('the web app', () => {
  it('describes its API as OpenAPI 3.1, without the pages', async () => {
    const web = await app()
    const response = await web.inject({ method: 'GET', url: '/api/openapi.json' })
    expect(response.statusCode).toBe(200)
    const document = response.json() as { openapi: string; paths: Record<string, unknown> }
    expect(document.openapi).toBe('3.1.0')
    expect(Object.keys(document.paths).filter((path) => !path.startsWith('/api/v1/'))).toEqual([])
  })

  it('sends a Content-Security-Policy that allows no inline script or style, on pages and errors', async () => {
    const web = await app()
    for (const url of ['/static/app.css', '/no-such-page', '/api/v1/no-such-route']) {
      const csp = String((await web.inject({ method: 'GET', url })).headers['content-security-policy'])
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("style-src 'self'")
      expect(csp).toContain("object-src 'none'")
      expect(csp).not.toContain('unsafe-inline')
    }
  })

  it('serves its script, style sheet and htmx, revalidated by ETag', async () => {
    const web = await app()
    for (const [file, type] of [['app.js', 'text/javascript'], ['app.css', 'text/css'], ['htmx.min.js', 'text/javascript']] as const) {
      const response = await web.inject({ method: 'GET', url: `/static/${file}` })
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toContain(type)
      const again = await web.inject({ method: 'GET', url: `/static/${file}`, headers: { 'if-none-match': String(response.headers.etag) } })
      expect(again.statusCode).toBe(304)
    }
    expect((await web.inject({ method: 'GET', url: '/static/../package.json' })).statusCode).toBe(404)
  })

  it('answers an unknown path with JSON under /api/ and with a page elsewhere, the path shown inert', async () => {
    const web = await app()
    const api = await web.inject({ method: 'GET', url: '/api/v1/nope' })
    expect(api.statusCode).toBe(404)
    expect(api.json()).toEqual({ error: 404, message: 'nothing at /api/v1/nope' })
    const page = await web.inject({ method: 'GET', url: '/%3Cscript%3Ealert(1)%3C/script%3E' })
    expect(page.statusCode).toBe(404)
    expect(page.headers['content-type']).toContain('text/html')
    expect(page.body).not.toContain('<script>alert')
  })

  it("refuses a browser's write without the page's CSRF token, and takes it with one", async () => {
    const web = await app()
    const bare = await web.inject({ method: 'POST', url: '/test-write', payload: {} })
    expect(bare.statusCode).toBe(403)
    const { token, cookie } = await browserToken(web)
    const forged = await web.inject({ method: 'POST', url: '/test-write', headers: { cookie }, payload: { _csrf: 'forged' } })
    expect(forged.statusCode).toBe(403)
    const form = await web.inject({ method: 'POST', url: '/test-write', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(token)}` })
    expect(form.statusCode).toBe(200)
    const htmx = await web.inject({ method: 'POST', url: '/test-write', headers: { cookie, 'x-csrf-token': token } })
    expect(htmx.json()).toEqual({ written: true })
  })
})
