// Bearer secrets: API tokens and session cookie values. 32 random bytes, given out once and
// stored as their SHA-256 only (a fast hash suffices: they are random, not chosen by people).
import { createHash, randomBytes } from 'node:crypto'

const TOKEN_PREFIX = 'ew_'
/** How much of a token a list shows: its `ew_` and 6 more characters. */
const VISIBLE_LENGTH = TOKEN_PREFIX.length + 6

export interface IssuedSecret {
  /** shown once, then only its hash exists */
  value: string
  sha256: string
}

export interface IssuedToken extends IssuedSecret {
  prefix: string
}

export function issueApiToken(): IssuedToken {
  const value = TOKEN_PREFIX + randomBytes(32).toString('base64url')
  return { value, sha256: sha256Hex(value), prefix: value.slice(0, VISIBLE_LENGTH) }
}

export function issueSessionId(): IssuedSecret {
  const value = randomBytes(32).toString('base64url')
  return { value, sha256: sha256Hex(value) }
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}
