// Before an entry is reported removed, its own page is asked. An entry gone from every listing whose
// page still answers has left the listings (a lost pager, a listing that shows only the latest),
// not the site.
import PQueue from 'p-queue'
import type { Logger } from 'pino'
import type { CrawlSettings } from './listing-crawl.ts'
import { PageAsker, type Asked, type PageToAsk } from './page-asker.ts'

/**
 * answers: 2xx, itself (after redirects within the site, the same path): still on the site.
 * gone: 404, 410 or another answer that is not the page (a redirect elsewhere, another 4xx).
 * unsure: no answer worth trusting now (5xx, 429, a timeout, no connection): asked again next time.
 * unasked: not ours to ask (robots.txt, another host): the listings alone decide.
 */
export type EntryPageAnswer = 'answers' | 'gone' | 'unsure' | 'unasked'

/** At most this many pages are asked in one run; the others are asked in the next runs. */
export const MAX_ENTRY_PAGES_PER_RUN = 100

/** The answer for each URL asked (a URL asked for two entries is asked once). */
export async function askEntryPages(pages: readonly PageToAsk[], settings: CrawlSettings, log: Logger): Promise<Map<string, EntryPageAnswer>> {
  const asker = new PageAsker(settings)
  const queue = new PQueue({ concurrency: settings.maxConcurrency })
  const answers = new Map<string, EntryPageAnswer>()
  const distinct = [...new Map(pages.map((page) => [page.url, page])).values()]
  for (const page of distinct.slice(MAX_ENTRY_PAGES_PER_RUN)) answers.set(page.url, 'unsure')
  await Promise.all(
    distinct.slice(0, MAX_ENTRY_PAGES_PER_RUN).map((page) =>
      queue.add(async () => {
        const answer = answerOf(await asker.ask(page, false))
        log.info({ url: page.url, answer }, 'entry page asked before a removal')
        answers.set(page.url, answer)
      }),
    ),
  )
  return answers
}

function answerOf(asked: Asked): EntryPageAnswer {
  switch (asked.kind) {
    case 'unasked':
      return 'unasked'
    case 'left':
      return 'gone'
    case 'no-answer':
      return 'unsure'
    case 'answered':
      if (asked.status >= 200 && asked.status < 300) return asked.itself ? 'answers' : 'gone'
      return asked.status >= 500 || asked.status === 429 || asked.status === 408 ? 'unsure' : 'gone'
  }
}
