// Who may use `eurowatch serve`: the implicit local admin, API tokens, browser sessions, CSRF on
// browser writes, the admin role, the sign-in rate limit. Through app.inject() on the real app.
import type { LightMyRequestResponse } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { addWebUser, createApiToken, revokeApiToken } from '../../db/web-access.ts'
import { buildWebApp, type WebApp } from '../../src/web/app.ts'
import { requireAdmin } from '../../src/web/auth.ts'
import { LOGIN_ATTEMPTS_PER_MINUTE } from '../../src/web/login.ts'
import { hashPassword } from '../../src/web/passwords.ts'
import { issueApiToken } from '../../src/web/secrets.ts'
import { backends, useTestDatabase } from '../support/databases.ts'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

describe.each(backends)('access to the web app on %s', { timeout: 120_000 }, (backend) => {
  const db = useTestDatabase(backend)
  let app: WebApp | undefined
  let clock = new Date('2026-12-07T10:00:00Z')
  afterEach(async () => {
    await app?.close()
    app = undefined
    clock = new Date('2026-12-07T10:00:00Z')
  })

  /** The app with routes standing for a page, an API read, and an admin action of each kind. */
  async function build(secureCookies = false): Promise<WebApp> {
    app = await buildWebApp({ db: db(), now: () => clock, secureCookies, sources: [] })
    app.get('/test/page', async (request) => `page for ${request.viewer?.name}`)
    app.get('/api/v1/test/whoami', async (request) => request.viewer)
    app.post('/test/crawl', { preHandler: requireAdmin }, async (request) => `crawl started by ${request.viewer?.name}`)
    app.post('/api/v1/test/crawl', { preHandler: requireAdmin }, async (request) => ({ startedBy: request.viewer?.name }))
    return app
  }

  async function user(name: string, role: 'viewer' | 'admin', password = `${name}-password`) {
    const added = await addWebUser(db(), { name, role, passwordHash: await hashPassword(password) })
    if (added === null) throw new Error(`${name} exists`)
    return added
  }

  async function token(userId: number) {
    const issued = issueApiToken()
    const id = await createApiToken(db(), { userId, label: 'test', sha256: issued.sha256, prefix: issued.prefix })
    return { id, bearer: { authorization: `Bearer ${issued.value}` } }
  }

  /** The cookies responses set, as a browser sends them back: the last of each name, none cleared. */
  const cookieHeader = (...responses: LightMyRequestResponse[]) => {
    const jar = new Map(responses.flatMap((r) => r.cookies).map((c) => [c.name, c.value]))
    return [...jar].filter(([, value]) => value !== '').map(([name, value]) => `${name}=${value}`).join('; ')
  }
  const csrfOf = (page: LightMyRequestResponse) => /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? ''

  /** A browser: reads the sign-in form, posts it; returns the session's cookies and a CSRF token of a page it then loads. */
  async function signIn(web: WebApp, name: string, password = `${name}-password`, next = '/test/page') {
    const form = await web.inject({ url: `/login?next=${encodeURIComponent(next)}` })
    const posted = await web.inject({
      method: 'POST', url: '/login', headers: { ...FORM, cookie: cookieHeader(form) },
      payload: new URLSearchParams({ name, password, next, _csrf: csrfOf(form) }).toString(),
    })
    const cookie = cookieHeader(form, posted)
    const page = await web.inject({ url: '/login', headers: { cookie } })
    return { posted, cookie, csrf: csrfOf(page) }
  }

  it('acts for the implicit admin `local` while no web user exists', async () => {
    const web = await build()
    expect((await web.inject({ url: '/api/v1/test/whoami' })).json()).toEqual({ name: 'local', role: 'admin', via: 'local' })
    expect((await web.inject({ url: '/login?next=/test/page' })).headers.location).toBe('/test/page')
    await user('ann', 'viewer')
    expect((await web.inject({ url: '/api/v1/test/whoami' })).statusCode).toBe(401)
  })

  it('sends a page to sign-in and answers the API 401 with WWW-Authenticate once a user exists', async () => {
    await user('ann', 'viewer')
    const web = await build()
    const page = await web.inject({ url: '/test/page?x=1' })
    expect(page.statusCode).toBe(302)
    expect(page.headers.location).toBe('/login?next=%2Ftest%2Fpage%3Fx%3D1')
    const api = await web.inject({ url: '/api/v1/test/whoami' })
    expect(api.statusCode).toBe(401)
    expect(api.headers['www-authenticate']).toBe('Bearer realm="eurowatch"')
    expect(api.json()).toMatchObject({ error: 401 })
    expect((await web.inject({ url: '/static/app.css' })).statusCode).toBe(200)
    const form = await web.inject({ url: '/login' })
    expect(form.statusCode).toBe(200)
    expect(form.body).toMatch(/<label for="login-name">Name<\/label>/)
    expect(csrfOf(form)).not.toBe('')
  })

  it('accepts a token as its user, notes its use, refuses a wrong or revoked one, and needs no CSRF token', async () => {
    const ann = await user('ann', 'viewer')
    const zoe = await user('zoe', 'admin')
    const web = await build()
    const annToken = await token(ann.id)
    const zoeToken = await token(zoe.id)
    expect((await web.inject({ url: '/api/v1/test/whoami', headers: annToken.bearer })).json()).toEqual({ name: 'ann', role: 'viewer', via: 'token' })
    const used = await db().selectFrom('api_token').select('last_used_at').where('id', '=', annToken.id).executeTakeFirstOrThrow()
    expect(used.last_used_at).toEqual(clock)

    const admin = await web.inject({ method: 'POST', url: '/api/v1/test/crawl', headers: zoeToken.bearer })
    expect(admin.statusCode, admin.body).toBe(200)
    expect(admin.json()).toEqual({ startedBy: 'zoe' })
    const viewer = await web.inject({ method: 'POST', url: '/api/v1/test/crawl', headers: annToken.bearer })
    expect(viewer.statusCode).toBe(403)
    expect(viewer.json()).toMatchObject({ error: 403, message: expect.stringMatching(/admin role/) })

    for (const authorization of [`Bearer ew_${'A'.repeat(43)}`, 'Basic YW5uOmFubi1wYXNzd29yZA==']) {
      const refused = await web.inject({ url: '/test/page', headers: { authorization } })
      expect(refused.statusCode).toBe(401)
      expect(refused.headers['www-authenticate']).toMatch(/^Bearer realm="eurowatch", error="invalid_token"/)
    }
    await revokeApiToken(db(), annToken.id)
    expect((await web.inject({ url: '/api/v1/test/whoami', headers: annToken.bearer })).statusCode).toBe(401)
  })

  it('signs in with a session cookie (HttpOnly, SameSite=Lax, whole site) and signs out, ending the session', async () => {
    await user('ann', 'viewer')
    const web = await build()
    const wrong = await signIn(web, 'ann', 'not-her-password')
    expect(wrong.posted.statusCode).toBe(401)
    expect(wrong.posted.body).toMatch(/Wrong name or password/)
    expect((await signIn(web, 'nobody')).posted.statusCode).toBe(401)

    const { posted, cookie, csrf } = await signIn(web, 'ann')
    expect(posted.statusCode).toBe(303)
    expect(posted.headers.location).toBe('/test/page')
    const session = posted.cookies.find((c) => c.name === 'eurowatch_session')
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', maxAge: 14 * 86_400 })
    expect(session?.secure).toBeUndefined()
    const stored = await db().selectFrom('web_session').selectAll().execute()
    expect(stored.map((row) => row.session_sha256)).not.toContain(session?.value)

    const page = await web.inject({ url: '/test/page', headers: { cookie } })
    expect(page.body).toBe('page for ann')
    const signedOut = await web.inject({ method: 'POST', url: '/logout', headers: { ...FORM, cookie }, payload: `_csrf=${encodeURIComponent(csrf)}` })
    expect(signedOut.statusCode).toBe(303)
    expect(signedOut.cookies.find((c) => c.name === 'eurowatch_session')?.value).toBe('')
    expect(await db().selectFrom('web_session').selectAll().execute()).toEqual([])
    expect((await web.inject({ url: '/test/page', headers: { cookie } })).statusCode).toBe(302)
  })

  it('marks the session cookie Secure behind TLS, and ends a session after 14 days', async () => {
    await user('ann', 'viewer')
    const web = await build(true)
    const { posted, cookie } = await signIn(web, 'ann')
    expect(posted.cookies.find((c) => c.name === 'eurowatch_session')?.secure).toBe(true)
    clock = new Date(clock.getTime() + 14 * 86_400_000 - 1000)
    expect((await web.inject({ url: '/test/page', headers: { cookie } })).statusCode).toBe(200)
    clock = new Date(clock.getTime() + 1000)
    expect((await web.inject({ url: '/test/page', headers: { cookie } })).statusCode).toBe(302)
  })

  it('sends an htmx request whose session has ended to sign-in with HX-Redirect, never a redirect htmx would swap into a fragment', async () => {
    await user('ann', 'viewer')
    const web = await build()
    const { cookie, csrf } = await signIn(web, 'ann')
    clock = new Date(clock.getTime() + 14 * 86_400_000)
    const htmx = { cookie, 'hx-request': 'true', 'hx-current-url': 'http://127.0.0.1:8080/test/page?unread=1' }
    for (const request of [{ url: '/test/page?fragment=1' }, { method: 'POST' as const, url: '/test/crawl', headers: { ...FORM, ...htmx }, payload: `_csrf=${encodeURIComponent(csrf)}` }]) {
      const answer = await web.inject({ headers: htmx, ...request })
      expect([answer.statusCode, answer.headers['hx-redirect'], answer.headers.location, answer.body]).toEqual([401, '/login?next=%2Ftest%2Fpage%3Funread%3D1', undefined, ''])
    }
    // without the page's URL, the URL asked; an ordinary request still gets the redirect
    expect((await web.inject({ url: '/test/page?fragment=1', headers: { cookie, 'hx-request': 'true' } })).headers['hx-redirect']).toBe('/login?next=%2Ftest%2Fpage%3Ffragment%3D1')
    const plain = await web.inject({ url: '/test/page?fragment=1', headers: { cookie } })
    expect([plain.statusCode, plain.headers.location, plain.headers['hx-redirect']]).toEqual([302, '/login?next=%2Ftest%2Fpage%3Ffragment%3D1', undefined])
  })

  it('refuses a browser POST without the CSRF token: sign-in, sign-out, an admin action', async () => {
    await user('zoe', 'admin')
    const web = await build()
    const form = await web.inject({ url: '/login' })
    const noToken = await web.inject({ method: 'POST', url: '/login', headers: { ...FORM, cookie: cookieHeader(form) }, payload: 'name=zoe&password=zoe-password' })
    expect(noToken.statusCode).toBe(403)
    expect(noToken.cookies.find((c) => c.name === 'eurowatch_session')).toBeUndefined()

    const { cookie, csrf } = await signIn(web, 'zoe')
    for (const url of ['/test/crawl', '/logout']) {
      expect((await web.inject({ method: 'POST', url, headers: { ...FORM, cookie }, payload: '' })).statusCode).toBe(403)
    }
    const withToken = await web.inject({ method: 'POST', url: '/test/crawl', headers: { ...FORM, cookie }, payload: `_csrf=${encodeURIComponent(csrf)}` })
    expect(withToken.statusCode).toBe(200)
    expect(withToken.body).toBe('crawl started by zoe')
  })

  it('refuses a viewer an admin action with a 403 page', async () => {
    await user('ann', 'viewer')
    const web = await build()
    const { cookie, csrf } = await signIn(web, 'ann')
    const refused = await web.inject({ method: 'POST', url: '/test/crawl', headers: { ...FORM, cookie }, payload: `_csrf=${encodeURIComponent(csrf)}` })
    expect(refused.statusCode).toBe(403)
    expect(refused.headers['content-type']).toMatch(/^text\/html/)
    expect(refused.body).toMatch(/this needs the admin role; ann may only read/)
  })

  it(`allows ${LOGIN_ATTEMPTS_PER_MINUTE} sign-in attempts a minute per address and name, then answers 429`, async () => {
    await user('ann', 'viewer')
    const web = await build()
    for (let attempt = 1; attempt <= LOGIN_ATTEMPTS_PER_MINUTE; attempt++) expect((await signIn(web, 'ann', 'guess')).posted.statusCode).toBe(401)
    const limited = await signIn(web, 'ann')
    expect(limited.posted.statusCode).toBe(429)
    expect(limited.posted.body).toMatch(/too many sign-in attempts for this name: try again in (\d+ seconds|1 minute)/)
    expect(limited.posted.cookies.find((c) => c.name === 'eurowatch_session')).toBeUndefined()
    // another name from the same address is counted apart
    expect((await signIn(web, 'bob', 'guess')).posted.statusCode).toBe(401)
  })

  it('goes back only to a path of this site after signing in', async () => {
    await user('ann', 'viewer')
    const web = await build()
    for (const next of ['//evil.example/', '/\\evil.example/', 'https://evil.example/', '/\t/evil.example/']) {
      expect((await signIn(web, 'ann', 'ann-password', next)).posted.headers.location).toBe('/')
    }
    expect((await signIn(web, 'ann', 'ann-password', '/entries?q=a%20b')).posted.headers.location).toBe('/entries?q=a%20b')
  })
})
