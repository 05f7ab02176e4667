// Signing in and out of the web UI. The form carries the CSRF token (the app checks it on every
// browser POST); attempts are rate-limited per client address and name, and a wrong name costs as
// much time as a wrong password.
import rateLimit from '@fastify/rate-limit'
import type { FastifyReply } from 'fastify'
import { z } from 'zod'
import { createWebSession, deleteExpiredWebSessions, deleteWebSession, findWebUser, hasWebUsers } from '../../db/web-access.ts'
import type { WebApp, WebAppOptions } from './context.ts'
import { html } from './html.ts'
import { csrfField, renderPage } from './layout.ts'
import { UNKNOWN_USER_HASH, verifyPassword } from './passwords.ts'
import { issueSessionId, sha256Hex } from './secrets.ts'
import { clearSessionCookie, readSessionCookie, SESSION_DAYS, setSessionCookie } from './session-cookie.ts'

/** Sign-in attempts allowed per client address and name in a minute. */
export const LOGIN_ATTEMPTS_PER_MINUTE = 5

const LoginQuery = z.object({ next: z.string().optional() })
const LoginForm = z.object({
  name: z.string().max(200),
  password: z.string().max(1000),
  next: z.string().optional(),
  _csrf: z.string().optional(),
})

export async function registerLogin(app: WebApp, options: WebAppOptions): Promise<void> {
  await app.register(rateLimit, { global: false })

  app.get('/login', { schema: { hide: true, querystring: LoginQuery } }, async (request, reply) => {
    const next = localPath(request.query.next)
    // nobody to sign in as: the server acts for `local`
    if (!(await hasWebUsers(options.db))) return reply.redirect(next)
    return loginPage(reply, { name: '', next, problem: null })
  })

  app.post(
    '/login',
    {
      schema: { hide: true, body: LoginForm },
      config: {
        rateLimit: {
          max: LOGIN_ATTEMPTS_PER_MINUTE,
          timeWindow: '1 minute',
          // after the body is read: the key holds the name tried
          hook: 'preHandler',
          keyGenerator: (request) => `${request.ip}\n${(request.body as { name?: unknown } | undefined)?.name ?? ''}`,
          errorResponseBuilder: (_request, context) =>
            Object.assign(new Error(`too many sign-in attempts for this name: try again in ${context.after}`), { statusCode: context.statusCode }),
        },
      },
    },
    async (request, reply) => {
      const { name, password } = request.body
      const next = localPath(request.body.next)
      const user = await findWebUser(options.db, name)
      const matches = await verifyPassword(password, user?.passwordHash ?? UNKNOWN_USER_HASH)
      if (user === null || !matches) {
        reply.code(401)
        return loginPage(reply, { name, next, problem: 'Wrong name or password.' })
      }
      const now = options.now()
      await deleteExpiredWebSessions(options.db, now)
      const session = issueSessionId()
      await createWebSession(options.db, { sha256: session.sha256, userId: user.id, expiresAt: new Date(now.getTime() + SESSION_DAYS * 86_400_000) })
      setSessionCookie(reply, session.value, options.secureCookies)
      return reply.redirect(next, 303)
    },
  )

  app.post('/logout', { schema: { hide: true } }, async (request, reply) => {
    const session = readSessionCookie(request)
    if (session !== null) await deleteWebSession(options.db, sha256Hex(session))
    clearSessionCookie(reply, options.secureCookies)
    return reply.redirect('/login', 303)
  })
}

function loginPage(reply: FastifyReply, form: { name: string; next: string; problem: string | null }): string {
  const body = html`<h1>Sign in</h1>
${form.problem === null ? '' : html`<p class="error" role="alert">${form.problem}</p>`}
<form method="post" action="/login" class="login">
${csrfField(reply)}
<input type="hidden" name="next" value="${form.next}">
<p><label for="login-name">Name</label><br><input id="login-name" name="name" autocomplete="username" required value="${form.name}"></p>
<p><label for="login-password">Password</label><br><input id="login-password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Sign in</button></p>
</form>`
  return renderPage(reply, { title: 'Sign in', current: 'none', body })
}

/**
 * Where to go after signing in: a path of this site, never another origin (`//evil`, `/\evil`,
 * `https:`, nor `/<tab>/evil`, which a browser reads as `//evil`).
 */
function localPath(next: string | undefined): string {
  return next !== undefined && /^\/(?![/\\])[^\u0000-\u001f\u007f]*$/.test(next) ? next : '/'
}
