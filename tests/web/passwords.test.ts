import { describe, expect, it } from 'vitest'
import { hashPassword, UNKNOWN_USER_HASH, verifyPassword } from '../../src/web/passwords.ts'

describe('web passwords', () => {
  it('hashes with a fresh salt each time and verifies only the same password', async () => {
    const [first, second] = [await hashPassword('Łódź in winter'), await hashPassword('Łódź in winter')]
    expect(first).not.toBe(second)
    expect(await verifyPassword('Łódź in winter', first)).toBe(true)
    // the same text in another Unicode form (ó and ź decomposed) is the same password
    expect(await verifyPassword('Łódź in winter'.normalize('NFD'), second)).toBe(true)
    expect(await verifyPassword('lodz in winter', first)).toBe(false)
  })

  it('checks against the parameters stored with the hash', async () => {
    const stored = await hashPassword('pw-with-params')
    const [, , , , salt, key] = stored.split('$')
    expect(await verifyPassword('pw-with-params', ['scrypt', 16384, 8, 1, salt, key].join('$'))).toBe(false)
  })

  it('says false, never throws, for a malformed hash, and for the unknown-user hash', async () => {
    for (const stored of ['', 'bcrypt$x', 'scrypt$0$8$1$AAAA$AAAA', 'scrypt$16384$8$1$AAAA$', UNKNOWN_USER_HASH]) {
      expect(await verifyPassword('anything', stored)).toBe(false)
    }
  })
})
