// The browser session's cookie: HttpOnly (no script reads it), SameSite=Lax (not sent on another
// site's POST), Secure over TLS or when the server is told it sits behind TLS, for the whole site.
import type { FastifyReply, FastifyRequest } from 'fastify'

const NAME = 'eurowatch_session'
/** How long a sign-in lasts. */
export const SESSION_DAYS = 14

export function readSessionCookie(request: FastifyRequest): string | null {
  const value = request.cookies[NAME]
  return value === undefined || value === '' ? null : value
}

export function setSessionCookie(reply: FastifyReply, value: string, secure: boolean): void {
  reply.setCookie(NAME, value, { path: '/', httpOnly: true, sameSite: 'lax', secure: secure || reply.request.protocol === 'https', maxAge: SESSION_DAYS * 24 * 60 * 60 })
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(NAME, { path: '/', httpOnly: true, sameSite: 'lax', secure: secure || reply.request.protocol === 'https' })
}
