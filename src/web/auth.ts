// Who is asking: every request gets `request.viewer` from a Bearer token or a session cookie, or
// acts as the implicit admin `local` while no web user exists (loopback clients only). Without
// either, a page redirects to /login (an htmx request gets HX-Redirect there) and the API
// answers 401. Registered without encapsulation (skip-override), so its hook covers every route
// module registered after it.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { hasWebUsers, sessionPrincipal, useApiToken, type WebPrincipal } from '../../db/web-access.ts'
import { LOCAL_VIEWER, type Viewer, type WebApp, type WebAppOptions } from './context.ts'
import { registerLogin } from './login.ts'
import { sha256Hex } from './secrets.ts'
import { readSessionCookie } from './session-cookie.ts'

/** An answer the app's error handler renders: a page for a browser, JSON under /api/. */
export class AccessError extends Error {
  override name = 'AccessError'
  constructor(
    readonly statusCode: 401 | 403,
    message: string,
  ) {
    super(message)
  }
}

/** Paths anyone may ask for: signing in and out, and the files the sign-in page needs. */
const OPEN_PATHS = /^\/(?:login|logout)(?:\?|$)|^\/static\//
const LOOPBACK_ADDRESS = /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/

async function auth(app: WebApp, options: WebAppOptions): Promise<void> {
  app.decorateRequest('viewer', null)
  app.addHook('onRequest', async (request, reply) => {
    const identity = await identify(request, options)
    if (identity !== null && 'refused' in identity) {
      reply.header('www-authenticate', 'Bearer realm="eurowatch", error="invalid_token"')
      throw new AccessError(401, identity.refused)
    }
    request.viewer = identity
    if (identity !== null || OPEN_PATHS.test(request.url)) return
    if (!(await hasWebUsers(options.db))) throw new AccessError(403, 'this server has no web users yet: only clients on its own machine may use it')
    if (request.url.startsWith('/api/')) {
      reply.header('www-authenticate', 'Bearer realm="eurowatch"')
      throw new AccessError(401, 'sign-in needed: send Authorization: Bearer TOKEN (eurowatch token create)')
    }
    // htmx would follow a redirect inside its request and swap the sign-in page into a fragment:
    // HX-Redirect makes it load the sign-in page whole, coming back to the page the fragment is on
    if (request.headers['hx-request'] === 'true') return reply.code(401).header('hx-redirect', `/login?next=${encodeURIComponent(pageOf(request))}`).send()
    if (request.method !== 'GET' && request.method !== 'HEAD') throw new AccessError(401, 'sign-in needed: your session has ended')
    return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`)
  })
  await registerLogin(app, options)
}
// fastify-plugin's marker, without that dependency: the hook applies to the whole app
Object.assign(auth, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'eurowatch-auth' })
export default auth

/** The page an htmx request came from (htmx sends its URL), else the URL asked; sign-in checks it is a path of this site. */
function pageOf(request: FastifyRequest): string {
  const current = request.headers['hx-current-url']
  if (typeof current !== 'string' || !URL.canParse(current)) return request.url
  const url = new URL(current)
  return `${url.pathname}${url.search}`
}

/** For admin-only routes (crawl now, resend a delivery): a viewer gets 403. */
export async function requireAdmin(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (request.viewer?.role === 'admin') return
  throw new AccessError(403, `this needs the admin role; ${request.viewer?.name ?? 'you'} may only read`)
}

/** Who the request acts for; `refused` when it carries credentials that fail (never ignored for a cookie or `local`). */
async function identify(request: FastifyRequest, { db, now }: WebAppOptions): Promise<Viewer | { refused: string } | null> {
  const authorization = request.headers.authorization
  if (authorization !== undefined) {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1]
    if (token === undefined) return { refused: 'the Authorization header must be "Bearer TOKEN"' }
    const principal = await useApiToken(db, sha256Hex(token), now())
    return principal === null ? { refused: 'that API token is unknown or revoked' } : viewerOf(principal, 'token')
  }
  const session = readSessionCookie(request)
  if (session !== null) {
    const principal = await sessionPrincipal(db, sha256Hex(session), now())
    if (principal !== null) return viewerOf(principal, 'session')
  }
  if (LOOPBACK_ADDRESS.test(request.socket.remoteAddress ?? '') && !(await hasWebUsers(db))) return LOCAL_VIEWER
  return null
}

function viewerOf(principal: WebPrincipal, via: 'session' | 'token'): Viewer {
  return { name: principal.name, role: principal.role, via }
}
