// Web users' passwords, hashed with scrypt (Node's crypto, memory-hard). The stored form carries
// its parameters and salt: scrypt$N$r$p$salt$hash (base64url), so the cost can be raised later
// without invalidating the hashes already stored.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/** 2^15 × 8 × 128 bytes = 32 MiB per hash: OWASP's minimum for scrypt is 2^17 at r=8 for 128 MiB; this keeps a login under 100 ms on a small machine. */
const COST = { N: 2 ** 15, r: 8, p: 1 }
const KEY_LENGTH = 32
const SALT_LENGTH = 16

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH)
  const key = await derive(password, salt, COST, KEY_LENGTH)
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** Whether the password matches the stored hash; false (never a throw) for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false
  const cost = { N: Number(n), r: Number(r), p: Number(p) }
  if (![cost.N, cost.r, cost.p].every((value) => Number.isSafeInteger(value) && value > 0)) return false
  const expected = Buffer.from(hash, 'base64url')
  if (expected.length === 0) return false
  const actual = await derive(password, Buffer.from(salt, 'base64url'), cost, expected.length)
  return timingSafeEqual(actual, expected)
}

/**
 * A hash no password matches, checked when the name is unknown so that a login takes as long
 * for a wrong name as for a wrong password (the time would tell which names exist).
 */
export const UNKNOWN_USER_HASH = ['scrypt', COST.N, COST.r, COST.p, 'AAAAAAAAAAAAAAAAAAAAAA', 'A'.repeat(43)].join('$')

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }, length: number): Promise<Buffer> {
  // the default 32 MiB limit is exactly the memory of N=2^15, r=8: give it room
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r }
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key)))
  })
}
