// Who may use `eurowatch serve`: web users, their API tokens and browser sessions. Tokens and
// session cookies arrive here as their SHA-256 only; hashing and checking passwords is the caller's.
import type { Kysely } from 'kysely'
import type { WebRole } from '../domain/web-user.ts'
import type { Database } from './schema.ts'

type Db = Kysely<Database>

export interface WebUser {
  id: number
  name: string
  role: WebRole
  createdAt: Date
}

export interface WebUserWithPassword extends WebUser {
  passwordHash: string
}

export interface ApiTokenListing {
  id: number
  user: string
  label: string
  prefix: string
  createdAt: Date
  lastUsedAt: Date | null
}

/** Who a token or session acts for. */
export interface WebPrincipal {
  name: string
  role: WebRole
}

/** The new user, or null when the name is taken. */
export async function addWebUser(db: Db, user: { name: string; role: WebRole; passwordHash: string }): Promise<WebUser | null> {
  const row = await db
    .insertInto('web_user')
    .values({ name: user.name, role: user.role, password_hash: user.passwordHash })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .returning(['id', 'name', 'role', 'created_at'])
    .executeTakeFirst()
  return row === undefined ? null : { id: row.id, name: row.name, role: row.role, createdAt: row.created_at }
}

export async function listWebUsers(db: Db): Promise<WebUser[]> {
  const rows = await db.selectFrom('web_user').select(['id', 'name', 'role', 'created_at']).orderBy('name').execute()
  return rows.map((row) => ({ id: row.id, name: row.name, role: row.role, createdAt: row.created_at }))
}

/** Whether anyone has been given access: until then the server acts for the implicit admin `local`. */
export async function hasWebUsers(db: Db): Promise<boolean> {
  const row = await db.selectFrom('web_user').select('id').limit(1).executeTakeFirst()
  return row !== undefined
}

export async function findWebUser(db: Db, name: string): Promise<WebUserWithPassword | null> {
  const row = await db.selectFrom('web_user').selectAll().where('name', '=', name).executeTakeFirst()
  return row === undefined ? null : { id: row.id, name: row.name, role: row.role, createdAt: row.created_at, passwordHash: row.password_hash }
}

/** Removes the user with its tokens and sessions; false when there is no such user. */
export async function removeWebUser(db: Db, name: string): Promise<boolean> {
  const result = await db.deleteFrom('web_user').where('name', '=', name).executeTakeFirst()
  return result.numDeletedRows > 0n
}

/** Sets a new password and ends the user's sessions (a changed password logs every browser out); false when there is no such user. */
export async function setWebUserPassword(db: Db, name: string, passwordHash: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const user = await trx.updateTable('web_user').set({ password_hash: passwordHash }).where('name', '=', name).returning('id').executeTakeFirst()
    if (user === undefined) return false
    await trx.deleteFrom('web_session').where('user_id', '=', user.id).execute()
    return true
  })
}

export async function createApiToken(db: Db, token: { userId: number; label: string; sha256: string; prefix: string }): Promise<number> {
  const row = await db
    .insertInto('api_token')
    .values({ user_id: token.userId, label: token.label, token_sha256: token.sha256, prefix: token.prefix })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function listApiTokens(db: Db): Promise<ApiTokenListing[]> {
  const rows = await db
    .selectFrom('api_token as t')
    .innerJoin('web_user as u', 'u.id', 't.user_id')
    .select(['t.id', 'u.name', 't.label', 't.prefix', 't.created_at', 't.last_used_at'])
    .orderBy('t.id')
    .execute()
  return rows.map((row) => ({ id: row.id, user: row.name, label: row.label, prefix: row.prefix, createdAt: row.created_at, lastUsedAt: row.last_used_at }))
}

/** False when there is no such token. */
export async function revokeApiToken(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('api_token').where('id', '=', id).executeTakeFirst()
  return result.numDeletedRows > 0n
}

/** Who the token acts for, noting its use; null for an unknown or revoked token. */
export async function useApiToken(db: Db, sha256: string, now: Date): Promise<WebPrincipal | null> {
  const row = await db
    .updateTable('api_token as t')
    .from('web_user as u')
    .set({ last_used_at: now })
    .whereRef('u.id', '=', 't.user_id')
    .where('t.token_sha256', '=', sha256)
    .returning(['u.name', 'u.role'])
    .executeTakeFirst()
  return row ?? null
}

export async function createWebSession(db: Db, session: { sha256: string; userId: number; expiresAt: Date }): Promise<void> {
  await db.insertInto('web_session').values({ session_sha256: session.sha256, user_id: session.userId, expires_at: session.expiresAt }).execute()
}

/** Who the session acts for; null for an unknown, ended or expired session. */
export async function sessionPrincipal(db: Db, sha256: string, now: Date): Promise<WebPrincipal | null> {
  const row = await db
    .selectFrom('web_session as s')
    .innerJoin('web_user as u', 'u.id', 's.user_id')
    .select(['u.name', 'u.role'])
    .where('s.session_sha256', '=', sha256)
    .where('s.expires_at', '>', now)
    .executeTakeFirst()
  return row ?? null
}

export async function deleteWebSession(db: Db, sha256: string): Promise<void> {
  await db.deleteFrom('web_session').where('session_sha256', '=', sha256).execute()
}

/** Drops sessions past their end, so the table holds only the living ones. */
export async function deleteExpiredWebSessions(db: Db, now: Date): Promise<number> {
  const result = await db.deleteFrom('web_session').where('expires_at', '<=', now).executeTakeFirst()
  return Number(result.numDeletedRows)
}
