import { describe, expect, it } from 'vitest'
import {
  addWebUser, createApiToken, createWebSession, deleteExpiredWebSessions, deleteWebSession, findWebUser, hasWebUsers, listApiTokens,
  listWebUsers, removeWebUser, revokeApiToken, sessionPrincipal, setWebUserPassword, useApiToken,
} from '../../db/web-access.ts'
import { backends, useTestDatabase } from '../support/databases.ts'

const NOW = new Date('2026-12-07T10:00:00Z')
const LATER = new Date('2026-12-21T10:00:00Z')

describe.each(backends)('web users, tokens and sessions on %s', (backend) => {
  const db = useTestDatabase(backend)

  async function user(name: string, role: 'viewer' | 'admin' = 'viewer') {
    const added = await addWebUser(db(), { name, role, passwordHash: `hash-of-${name}` })
    if (added === null) throw new Error(`${name} exists`)
    return added
  }

  it('adds users once per name and lists them by name', async () => {
    expect(await hasWebUsers(db())).toBe(false)
    await user('zoe', 'admin')
    await user('ann')
    expect(await hasWebUsers(db())).toBe(true)
    expect(await addWebUser(db(), { name: 'ann', role: 'admin', passwordHash: 'other' })).toBeNull()
    expect((await listWebUsers(db())).map((u) => [u.name, u.role])).toEqual([['ann', 'viewer'], ['zoe', 'admin']])
    expect((await findWebUser(db(), 'ann'))?.passwordHash).toBe('hash-of-ann')
    expect(await findWebUser(db(), 'nobody')).toBeNull()
  })

  it('refuses a role other than viewer or admin in the database itself', async () => {
    await expect(addWebUser(db(), { name: 'eve', role: 'root' as 'admin', passwordHash: 'x' })).rejects.toThrow(/check constraint/)
  })

  it('finds the user of a token by its hash, notes its use, and forgets it once revoked', async () => {
    const ann = await user('ann')
    const id = await createApiToken(db(), { userId: ann.id, label: 'feed reader', sha256: 'a'.repeat(64), prefix: 'ew_abcdef' })
    expect(await useApiToken(db(), 'b'.repeat(64), NOW)).toBeNull()
    expect(await useApiToken(db(), 'a'.repeat(64), NOW)).toEqual({ name: 'ann', role: 'viewer' })
    expect(await listApiTokens(db())).toEqual([{ id, user: 'ann', label: 'feed reader', prefix: 'ew_abcdef', createdAt: expect.any(Date), lastUsedAt: NOW }])
    expect(await revokeApiToken(db(), id)).toBe(true)
    expect(await revokeApiToken(db(), id)).toBe(false)
    expect(await useApiToken(db(), 'a'.repeat(64), NOW)).toBeNull()
  })

  it('refuses a second token with the same hash', async () => {
    const ann = await user('ann')
    await createApiToken(db(), { userId: ann.id, label: '', sha256: 'c'.repeat(64), prefix: 'ew_c' })
    await expect(createApiToken(db(), { userId: ann.id, label: '', sha256: 'c'.repeat(64), prefix: 'ew_c' })).rejects.toThrow(/unique/)
  })

  it('finds the user of a living session; not after its end, its deletion, or a password change', async () => {
    const zoe = await user('zoe', 'admin')
    await createWebSession(db(), { sha256: 's1', userId: zoe.id, expiresAt: LATER })
    await createWebSession(db(), { sha256: 's2', userId: zoe.id, expiresAt: LATER })
    await createWebSession(db(), { sha256: 'old', userId: zoe.id, expiresAt: NOW })
    expect(await sessionPrincipal(db(), 's1', NOW)).toEqual({ name: 'zoe', role: 'admin' })
    expect(await sessionPrincipal(db(), 'old', NOW)).toBeNull()
    expect(await sessionPrincipal(db(), 's1', LATER)).toBeNull()
    expect(await deleteExpiredWebSessions(db(), NOW)).toBe(1)
    await deleteWebSession(db(), 's1')
    expect(await sessionPrincipal(db(), 's1', NOW)).toBeNull()
    expect(await setWebUserPassword(db(), 'zoe', 'new-hash')).toBe(true)
    expect(await sessionPrincipal(db(), 's2', NOW)).toBeNull()
    expect((await findWebUser(db(), 'zoe'))?.passwordHash).toBe('new-hash')
    expect(await setWebUserPassword(db(), 'nobody', 'x')).toBe(false)
  })

  it('removes a user with its tokens and sessions', async () => {
    const ann = await user('ann')
    await createApiToken(db(), { userId: ann.id, label: '', sha256: 'd'.repeat(64), prefix: 'ew_d' })
    await createWebSession(db(), { sha256: 's', userId: ann.id, expiresAt: LATER })
    expect(await removeWebUser(db(), 'ann')).toBe(true)
    expect(await removeWebUser(db(), 'ann')).toBe(false)
    expect(await listApiTokens(db())).toEqual([])
    expect(await sessionPrincipal(db(), 's', NOW)).toBeNull()
    expect(await hasWebUsers(db())).toBe(false)
  })
})
