// The probe "anything new?" of a site that offers a feed of its newest posts (WordPress's RSS):
// asked before paging, conditionally. A feed unchanged since the last run that read its listings
// to the end spares an incremental crawl its paging; a changed (or unreadable) one pages as usual.
// The feed is never a source of entries: only the listing pages are.
import type { Kysely } from 'kysely'
import type { ListingTarget } from '../crawlers/listing-crawl.ts'
import type { PageAsker } from '../crawlers/page-asker.ts'
import { notModifiedHeaders, revalidationHeaders } from '../crawlers/revalidation.ts'
import { saveFeed, storedFeed, type FeedState } from '../db/incremental.ts'
import { sha256Hex } from '../db/pages.ts'
import type { Database } from '../db/schema.ts'

export interface FeedProbe {
  url: string
  /** The same feed as when last saved: nothing new on the site. */
  unchanged: boolean
  /** What to save once the listings that used it are done; null: nothing to save (no answer). */
  state: FeedState | null
}

/** Each target's feed URL (null: its profile has none). */
export function feedUrlOf(target: ListingTarget): string | null {
  return target.profile.feedUrl?.(target.url) ?? null
}

/** Asks each distinct feed of these targets once, with the validators it last answered with. */
export async function probeFeeds(deps: { db: Kysely<Database>; now: () => Date }, targets: readonly ListingTarget[], asker: () => PageAsker): Promise<Map<string, FeedProbe>> {
  const probes = new Map<string, FeedProbe>()
  for (const target of targets) {
    const url = feedUrlOf(target)
    if (url === null || probes.has(url)) continue
    const stored = await storedFeed(deps.db, url)
    const validators = stored === null ? {} : revalidationHeaders(url, stored.headers, deps.now())
    const asked = await asker().ask({ url, listingUrl: target.url, allowedHosts: target.allowedHosts }, true, validators)
    probes.set(url, probeOf(url, stored, Object.keys(validators).length > 0, asked))
  }
  return probes
}

function probeOf(url: string, stored: FeedState | null, conditional: boolean, asked: Awaited<ReturnType<PageAsker['ask']>>): FeedProbe {
  if (asked.kind !== 'answered' || !asked.itself) return { url, unchanged: false, state: null }
  if (asked.status === 304 && stored !== null && conditional) {
    const headers = notModifiedHeaders(url, stored.headers, asked.headers)
    return headers === null ? { url, unchanged: false, state: null } : { url, unchanged: true, state: { headers, bodySha256: stored.bodySha256 } }
  }
  if (asked.status !== 200 || asked.body === null) return { url, unchanged: false, state: null }
  const bodySha256 = sha256Hex(asked.body)
  return { url, unchanged: stored?.bodySha256 === bodySha256, state: { headers: asked.headers, bodySha256 } }
}

/** Saves a feed's state only when every listing that used it was read as far as it had to be: else its news could be missed. */
export async function saveProbes(db: Kysely<Database>, probes: ReadonlyMap<string, FeedProbe>, done: ReadonlyMap<string, boolean>, at: Date): Promise<void> {
  for (const probe of probes.values()) {
    if (probe.state !== null && done.get(probe.url) === true) await saveFeed(db, probe.url, probe.state, at)
  }
}
