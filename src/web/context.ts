// What every part of the web layer shares: the app's type, its options, who is asking.
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import type { WebRole } from '../../domain/web-user.ts'

export type WebApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>

/** Who a request acts for: a signed-in user, a token's user, or the implicit local admin (no users yet, loopback only). */
export interface Viewer {
  name: string
  role: WebRole
  via: 'local' | 'session' | 'token'
}

/** The implicit admin of a server with no users: its read marks are kept under this name. */
export const LOCAL_VIEWER: Viewer = { name: 'local', role: 'admin', via: 'local' }

export type CrawlStart = { started: true } | { started: false; reason: string }

export interface WebAppOptions {
  db: Kysely<Database>
  now: () => Date
  /** Session cookies get `Secure` (set when served behind TLS). */
  secureCookies: boolean
  /** Starts a crawl of some listings or all in the background; absent when this process cannot crawl. */
  crawlNow?: (sources: readonly string[] | 'all') => CrawlStart
  /** The configured listings' names, in configuration order. */
  sources: readonly string[]
  /** The most matches a search reads (db/search.ts MATCH_BOUND when absent); tests set a small one. */
  searchBound?: number
}

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | null
  }
}
