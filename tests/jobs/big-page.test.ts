// A listing page of 11,000 entries over loopback HTTP, crawled, stored and diffed on both backends:
// every write is cut under the bind-parameter limits (PGlite failed from 3,000 entries, PostgreSQL
// from 5,500), and a store step that fails leaves its run failed, never 'running'.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OriginMap } from '../../crawlers/origin-map.ts'
import { crawlJob, type CrawlSource } from '../../jobs/crawl.ts'
import { diffRun } from '../../jobs/diff.ts'
import { storeListingPages } from '../../jobs/store-page.ts'
import { createRun, finishRun } from '../../db/runs.ts'
import type { ListingPage, SiteProfile } from '../../domain/entry.ts'
import { createSelectorsProfile } from '../../parsers/selectors.ts'
import { parseSelectorsConfig } from '../../parsers/selectors-config.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { silentLog } from '../support/replica.ts'

// above the limits that failed before (3,000 and 5,500) and above 65,535 parameters for a row of
// six (a sighting), and no bigger: the test crawls it twice a backend
const ENTRIES = 11_000
const SITE = 'https://big.example'

let server: Server
let origin = ''
let edition = 'first'
let count = ENTRIES

function listingHtml(): string {
  const items = Array.from(
    { length: count },
    (_, i) => `<article class="result"><h3 class="result-title"><a href="/news/${i}">${edition} title of entry ${i}</a></h3><time datetime="2026-03-01">1 March 2026</time></article>`,
  )
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Big</title></head><body><div class="results">${items.join('\n')}</div></body></html>`
}

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(listingHtml())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const profile = createSelectorsProfile(parseSelectorsConfig({ id: 'big', entry: '.results > article.result', title: 'h3.result-title', date: 'time', dateAttribute: 'datetime' }))

function settings() {
  return {
    userAgent: 'eurowatch-test/1',
    respectRobotsTxt: false,
    perHostDelaySeconds: 0,
    maxConcurrency: 1,
    maxRetries: 0,
    retryBaseDelaySeconds: 0.01,
    maxRetryAfterSeconds: 1,
    timeoutSeconds: 30,
    maxResponseBytes: 20_000_000,
    origins: new OriginMap(['big.example'], origin),
  }
}

const source = (parser: SiteProfile = profile): CrawlSource => ({ name: 'big', profile: parser, url: `${SITE}/news/`, maxPages: 1, render: 'http', theme: null })

describe.each(backends)('a page of 11,000 entries on %s', (backend) => {
  const db = useTestDatabase(backend)
  const deps = () => ({ db: db(), now: () => new Date(), log: silentLog })

  it('is crawled, stored and diffed whole, and so is the same page with every title changed', async () => {
    edition = 'first'
    count = ENTRIES
    const first = await crawlJob(deps(), [source()], settings())
    expect(first.listings[0]?.reason ?? null).toBeNull()
    expect(first).toMatchObject({ status: 'complete', entriesSeen: ENTRIES, newEntries: ENTRIES, versionsCreated: ENTRIES })
    // the tables it filled are analyzed as they grow (PGlite never does it by itself): else the diff's plans read the page once per entry
    const analyzed = await sql<{ table: string }>`select distinct tablename as table from pg_stats where schemaname = current_schema() and tablename in ('entry', 'entry_version', 'sighting_range') order by 1`.execute(db())
    expect(analyzed.rows.map((row) => row.table)).toEqual(['entry', 'entry_version', 'sighting_range'])
    expect((await diffRun(deps(), first.runId)).inserted).toMatchObject({ new: ENTRIES, changed: 0 })

    // the second edition straight into the store (crawling and parsing 4 MB again adds nothing here)
    const [listing] = await db().selectFrom('listing').select('id').execute()
    const page = profile.parseListing(listingHtml().replaceAll('first title', 'second title'), `${SITE}/news/`)
    const second = await createRun(db(), new Date())
    const [stored] = await storeListingPages(deps(), [
      {
        runId: second, listingId: listing?.id ?? 0, pageNumber: 1, canonicalUrl: `${SITE}/news/`, fetchedUrl: `${origin}/news/`, status: 200, contentType: 'text/html', headers: {},
        body: Buffer.from('second edition'), charset: 'UTF-8', durationMs: 1, attempts: 1, outcome: 'fetched', error: null, entries: page.entries, firstPosition: 1, theme: null, themeSource: 'page',
      },
    ])
    expect(stored).toMatchObject({ newEntries: 0, versionsCreated: ENTRIES, sightings: ENTRIES })
    await finishRun(db(), second, { status: 'complete', pagesFetched: 1, entriesSeen: ENTRIES, versionsCreated: ENTRIES, error: null }, new Date())
    expect((await diffRun(deps(), second)).inserted).toMatchObject({ new: 0, changed: ENTRIES })
    const open = await db().selectFrom('entry_version').select((eb) => eb.fn.countAll<number>().as('n')).where('valid_to_run', 'is', null).executeTakeFirstOrThrow()
    expect(Number(open.n)).toBe(ENTRIES)
    // 60,000 rows and 40,000 events: minutes on a busy shared machine
  }, 480_000)

  it('marks the run failed when its store step fails', async () => {
    edition = 'first'
    count = 200
    // a date the schema refuses: the page's write fails inside its transaction
    const refused: SiteProfile = {
      ...profile,
      parseListing: (html: string, pageUrl: string): ListingPage => {
        const page = profile.parseListing(html, pageUrl)
        return { ...page, entries: page.entries.map((entry, index) => (index === 199 ? { ...entry, date: 'not a date' } : entry)) }
      },
    }
    await expect(crawlJob(deps(), [source(refused)], settings())).rejects.toThrow(/date/)
    expect(await db().selectFrom('crawl_run').select('status').execute()).toEqual([{ status: 'failed' }])
    expect(await db().selectFrom('entry').select('id').execute()).toEqual([])
  }, 240_000)
})
