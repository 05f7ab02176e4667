// Before an entry is reported removed, its own page is asked. An entry gone from every listing whose
// page still answers has left the listings (a lost pager, a listing that shows only the latest),
// not the site; one whose page redirects to another entry's URL may have moved there (jobs/diff.ts).
import PQueue from 'p-queue'
import type { Logger } from 'pino'
import type { EntryPageFetch } from '../domain/archive.ts'
import type { CrawlSettings } from './listing-crawl.ts'
import { PageAsker, samePage, type Asked, type PageToAsk } from './page-asker.ts'
import { offSiteRefusal } from './site-scope.ts'

/**
 * answers: 2xx, itself (after redirects to the same page: a trailing slash, another scheme): still on the site.
 * redirected: a 301/302/307/308 to another page of the site, `to` (canonical, resolved): where it went.
 * gone: 404, 410 or another answer that is not the page (a redirect off the site, another 4xx).
 * unsure: no answer worth trusting now (5xx, 429, a timeout, no connection): asked again next time.
 * unasked: not ours to ask (robots.txt, another host): the listings alone decide.
 */
export type EntryPageAnswer = { kind: 'answers' | 'gone' | 'unsure' | 'unasked' } | { kind: 'redirected'; to: string }

/** At most this many pages are asked in one run; the others are asked in the next runs. */
export const MAX_ENTRY_PAGES_PER_RUN = 100

const MOVE_STATUSES = new Set([301, 302, 307, 308])

export interface EntryPageAnswers {
  /** The answer for each URL asked (a URL asked for two entries is asked once). */
  answers: Map<string, EntryPageAnswer>
  /** By URL asked: every answer it got on the way (a redirect to itself, then the page). */
  fetches: Map<string, EntryPageFetch[]>
}

export async function askEntryPages(pages: readonly PageToAsk[], settings: CrawlSettings, log: Logger, now: () => Date): Promise<EntryPageAnswers> {
  const asker = new PageAsker(settings)
  const queue = new PQueue({ concurrency: settings.maxConcurrency })
  const answers = new Map<string, EntryPageAnswer>()
  const fetches = new Map<string, EntryPageFetch[]>()
  const distinct = [...new Map(pages.map((page) => [page.url, page])).values()]
  for (const page of distinct.slice(MAX_ENTRY_PAGES_PER_RUN)) answers.set(page.url, { kind: 'unsure' })
  await Promise.all(
    distinct.slice(0, MAX_ENTRY_PAGES_PER_RUN).map((page) =>
      queue.add(async () => {
        const recorded: EntryPageFetch[] = []
        const ask = async (followRedirects: boolean): Promise<Asked> => {
          const fetchedAt = now()
          const started = performance.now()
          const asked = await asker.ask(page, false, {}, followRedirects)
          if (asked.kind === 'answered') {
            recorded.push({ url: asked.landed, fetchedUrl: settings.origins.toFetchUrl(asked.landed), status: asked.status, headers: asked.headers, fetchedAt, durationMs: Math.round(performance.now() - started) })
          }
          return asked
        }
        const answer = await askOne(page, ask)
        log.info({ url: page.url, answer }, 'entry page asked before a removal')
        answers.set(page.url, answer)
        fetches.set(page.url, recorded)
      }),
    ),
  )
  return { answers, fetches }
}

/** Asked without following redirects: where a redirect points is the answer (WordPress sends an old slug to the new one). */
async function askOne(page: PageToAsk, ask: (followRedirects: boolean) => Promise<Asked>): Promise<EntryPageAnswer> {
  const asked = await ask(false)
  const location = asked.kind === 'answered' && MOVE_STATUSES.has(asked.status) ? asked.headers.location : undefined
  if (location === undefined) return answerOf(asked)
  const to = new URL(location, page.url).href
  // a redirect to the page itself (a trailing slash, https) says nothing yet: follow it
  if (samePage(page.url, to)) return answerOf(await ask(true))
  return (await offSiteRefusal(page, to)) === null ? { kind: 'redirected', to } : { kind: 'gone' }
}

function answerOf(asked: Asked): EntryPageAnswer {
  switch (asked.kind) {
    case 'unasked':
      return { kind: 'unasked' }
    case 'left':
      return { kind: 'gone' }
    case 'no-answer':
      return { kind: 'unsure' }
    case 'answered':
      if (asked.status >= 200 && asked.status < 300) return { kind: asked.itself ? 'answers' : 'gone' }
      return { kind: asked.status >= 500 || asked.status === 429 || asked.status === 408 ? 'unsure' : 'gone' }
  }
}
