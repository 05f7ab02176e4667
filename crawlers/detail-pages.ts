// Entries' own pages, fetched once per new or changed version, as politely as a crawl: PageAsker's
// User-Agent, robots.txt, host pacing, timeout and size cap, and only on the listing's own site.
import PQueue from 'p-queue'
import type { Logger } from 'pino'
import type { CrawlSettings } from './listing-crawl.ts'
import { PageAsker, type Asked, type PageToAsk } from './page-asker.ts'

export interface DetailPageToFetch extends PageToAsk {
  versionId: number
}

export interface FetchedDetailPage {
  page: DetailPageToFetch
  /** The URL actually requested (the replica's, offline). */
  fetchedUrl: string
  asked: Asked
  durationMs: number
  fetchedAt: Date
}

/** Fetches each page once (bodies read), a few at a time; the host limiter paces requests to one host. */
export async function fetchDetailPages(pages: readonly DetailPageToFetch[], settings: CrawlSettings, log: Logger, now: () => Date): Promise<FetchedDetailPage[]> {
  const asker = new PageAsker(settings)
  const queue = new PQueue({ concurrency: settings.maxConcurrency })
  const fetched = await Promise.all(
    pages.map((page) =>
      queue.add(async (): Promise<FetchedDetailPage> => {
        const fetchedAt = now()
        const started = performance.now()
        const asked = await asker.ask(page, true)
        const durationMs = performance.now() - started
        log.debug({ url: page.url, kind: asked.kind, status: asked.kind === 'answered' ? asked.status : null }, 'detail page fetched')
        return { page, fetchedUrl: settings.origins.toFetchUrl(page.url), asked, durationMs, fetchedAt }
      }),
    ),
  )
  return fetched.filter((result): result is FetchedDetailPage => result !== undefined)
}
