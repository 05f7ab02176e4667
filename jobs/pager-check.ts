// A listing that ends on a full page before the last page of its last complete crawl has lost its next
// link, or truly shrank by whole pages. The page that followed in that crawl is asked again: if it
// still lists entries this crawl did not see, the listing is not complete and nothing is removed from it.
import type { Kysely } from 'kysely'
import type { ListingTarget } from '../crawlers/listing-crawl.ts'
import type { PageAsker } from '../crawlers/page-asker.ts'
import { baselinePageUrl } from '../db/listing-baselines.ts'
import type { Database } from '../db/schema.ts'
import { endsEarlyOnFullPage, type ListingBaseline, type OldNextPage } from '../domain/health.ts'
import { listingShape } from '../domain/listing-status.ts'
import { parsedPage, type ListingPageOutcome } from '../domain/page-outcome.ts'
import type { PageReader } from './page-reader.ts'

export interface PagerCheck {
  db: Kysely<Database>
  runId: number
  asker: () => PageAsker
  reader: PageReader
}

/** Null when the listing did not end early on a full page. */
export async function askOldNextPage(check: PagerCheck, target: ListingTarget, pages: readonly ListingPageOutcome[], baseline: ListingBaseline | null): Promise<OldNextPage | null> {
  const shape = listingShape(pages)
  if (shape === null || !endsEarlyOnFullPage(shape, baseline)) return null
  const url = await baselinePageUrl(check.db, target.listingId, check.runId, shape.pages + 1)
  if (url === null) return { url, listsMore: null }
  const asked = await check.asker().ask({ url, listingUrl: target.url, allowedHosts: target.allowedHosts }, true)
  // redirected off the site, gone: the listing ends where it ends
  if (asked.kind === 'left' || (asked.kind === 'answered' && (asked.status === 404 || asked.status === 410))) return { url, listsMore: false }
  if (asked.kind !== 'answered' || asked.status < 200 || asked.status >= 300 || asked.body === null) return { url, listsMore: null }
  const fetched = {
    target,
    pageNumber: shape.pages + 1,
    canonicalUrl: url,
    fetchedUrl: url,
    status: asked.status,
    headers: asked.headers,
    body: asked.body,
    charset: null,
    attempts: 1,
    notice: null,
    durationMs: 0,
    failure: null,
  }
  const { outcome } = await check.reader.read(fetched, null)
  const seen = new Set(pages.flatMap((page) => parsedPage(page.outcome)?.entries.map((entry) => entry.key) ?? []))
  // a page that is no listing page any more (or repeats the last one, as some sites do past the end) lists nothing more
  return { url, listsMore: (parsedPage(outcome)?.entries ?? []).some((entry) => !seen.has(entry.key)) }
}
