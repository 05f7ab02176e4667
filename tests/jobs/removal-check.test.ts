// What is reported removed: only what left the site. A listing that ends early on a full page (a lost
// next link) removes nothing; an entry gone from its listings is asked for by its own page first.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeExport } from '../../src/cli/archive-export.ts'
import { openOutput } from '../../src/cli/output-file.ts'
import { readWarc } from '../support/warc.ts'
import { OriginMap } from '../../crawlers/origin-map.ts'
import type { CrawlSource } from '../../jobs/crawl.ts'
import { runPipeline, type RunSummary } from '../../jobs/run.ts'
import type { Fault } from '../../replica/index.ts'
import { resolveProfile } from '../../parsers/index.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { startHostileSite, type HostileSite } from '../support/hostile-site.ts'
import { replicaCrawlSettings, silentLog, useReplica } from '../support/replica.ts'

let site: HostileSite
beforeAll(async () => {
  site = await startHostileSite()
})
afterAll(async () => {
  await site.close()
})

const settings = () => ({
  userAgent: 'eurowatch-test/1 (+https://example.org/eurowatch)',
  respectRobotsTxt: true,
  perHostDelaySeconds: 0,
  maxConcurrency: 4,
  maxRetries: 0,
  retryBaseDelaySeconds: 0.01,
  maxRetryAfterSeconds: 1,
  timeoutSeconds: 5,
  maxResponseBytes: 2_000_000,
  origins: new OriginMap(),
})

const eventsOf = (summary: RunSummary, kind: string) =>
  summary.diffs.flatMap((diff) => diff.events).filter((event) => event.kind === kind).map((event) => event.entry.key).sort()

describe.each(backends)('removals on %s', (backend) => {
  const db = useTestDatabase(backend)
  const source = (name: string): CrawlSource => ({ name, profile: resolveProfile('eurocities-legacy'), url: site.pageUrl(name), maxPages: 50, render: 'http', theme: null })
  const run = (name: string) => runPipeline({ db: db(), now: () => new Date(), log: silentLog }, [source(name)], settings(), { removeAfter: 2 })

  it('removes nothing from a listing that ends on a full page before the last page of its last complete crawl', async () => {
    site.setListing('pager', { entries: 50 })
    expect((await run('pager')).crawl.status).toBe('complete')
    site.changeListing('pager', { pagerEndsAt: 4 })
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const lost = await run('pager')
      expect(lost.crawl.listings[0]).toMatchObject({ status: 'partial', pages: 4, entries: 40 })
      expect(lost.crawl.listings[0]?.reason).toBe(`parser health: page 4 is full and has no next link, but page 5 of its last complete crawl (${site.pageUrl('pager', 5)}) still lists entries`)
      expect(lost.changes).toBe(0)
    }
    site.changeListing('pager', { pagerEndsAt: undefined })
    const found = await run('pager')
    expect(found.crawl.status).toBe('complete')
    expect(found.changes).toBe(0)
  })

  it('removes what a listing that shrank by a whole page lost: the page that followed is gone', async () => {
    site.setListing('shrink', { entries: 30 })
    expect((await run('shrink')).crawl.status).toBe('complete')
    const lost = site.keysOf('shrink').slice(20)
    site.changeListing('shrink', { hidden: [20, 21, 22, 23, 24, 25, 26, 27, 28, 29] })
    for (const key of lost) site.setEntryStatus(key, 404)
    const first = await run('shrink')
    expect(first.crawl.listings[0]).toMatchObject({ status: 'complete', pages: 2, entries: 20 })
    expect(eventsOf(await run('shrink'), 'removed')).toEqual([...lost].sort())
  })

  it("asks an entry's own page first: a page that is gone is removed, one that still answers is no longer listed and not asked again", async () => {
    site.setListing('shelf', { entries: 25 })
    const [stillThere = '', gone = '', later = ''] = site.keysOf('shelf')
    await run('shelf')
    site.changeListing('shelf', { hidden: [0, 1, 2] })
    site.setEntryStatus(gone, 404)
    site.setEntryStatus(later, 503)
    expect((await run('shelf')).changes).toBe(0)
    site.resetRequests()
    const second = await run('shelf')
    expect(eventsOf(second, 'removed')).toEqual([gone])
    expect(site.requests().map((request) => request.path).filter((path) => path.startsWith('/eurocities/news/')).sort()).toEqual(
      [gone, stillThere, later].map((key) => `/eurocities/news/entry-${key}`).sort(),
    )

    // the page that did not answer is asked again; the one that still answers is not
    site.setEntryStatus(later, 410)
    site.resetRequests()
    const third = await run('shelf')
    expect(eventsOf(third, 'removed')).toEqual([later])
    expect(site.requests().filter((request) => request.path.startsWith('/eurocities/news/')).map((request) => request.path)).toEqual([`/eurocities/news/entry-${later}`])

    // back on the listing: the removed ones reappear, the unlisted one was never gone
    site.changeListing('shelf', { hidden: [] })
    const back = await run('shelf')
    expect(eventsOf(back, 'reappeared')).toEqual([gone, later].sort())
    expect(back.changes).toBe(2)
  })
})

// The WordPress site in a theme that prints no post id (a static export): only the old URL's redirect
// tells a slug change from a new post and a removal.
describe.each(backends)('an old URL that redirects, on %s', (backend) => {
  const db = useTestDatabase(backend)
  const replica = useReplica({ theme: 'static-export' })
  const LATEST: CrawlSource = { name: 'latest', profile: resolveProfile('eurocities'), url: 'https://eurocities.eu/latest/', maxPages: 30, render: 'http', theme: null }
  const OLD = '/latest/why-cities-need-their-own-climate-budgets/'
  const NEW = '/latest/cities-need-climate-budgets-of-their-own/'
  const REMOVED = '/latest/aarhus-scales-up-library-hubs/'
  const events = (summary: RunSummary) => summary.diffs.flatMap((diff) => diff.events).filter((event) => !event.baseline).map((event) => `${event.kind} ${new URL(event.entry.url).pathname}`).sort()
  const run = async (step: number, faults: Fault[] = []) => {
    replica().setStep(step)
    replica().setFaults(faults)
    try {
      return await runPipeline({ db: db(), now: () => new Date(), log: silentLog }, [LATEST], { ...replicaCrawlSettings(replica()), detailPagesPerRun: 100 }, { removeAfter: 2 })
    } finally {
      replica().setFaults([])
    }
  }

  it('reports a slug change seen only as a redirect from the old URL to a listed one as one move, never new and removed', async () => {
    await run(2)
    replica().resetRequests()
    const retitled = await run(3)
    expect(retitled.details.moved).toBe(0)
    expect(events(retitled)).toEqual(['changed /latest/culture-capitals-share-their-legacy/', `moved ${NEW}`])
    expect(replica().requests().filter((request) => request.path === OLD).map((request) => request.status)).toEqual([301])
    const moved = retitled.diffs.flatMap((diff) => diff.events).find((event) => event.kind === 'moved')
    expect(moved?.changes.map((change) => change.field)).toEqual(['url', 'title'])
    for (let again = 0; again < 2; again += 1) expect(events(await run(3))).toEqual([])
    expect(await db().selectFrom('entry').select('entry_key').where('entry_key', 'like', '%climate-budgets%').execute()).toEqual([{ entry_key: `https://eurocities.eu${NEW}` }])
  }, 240_000)

  it('exports every stored fetch as WARC: listing pages, entry pages and the 301 and 404 answered before a removal, warcinfo digested', async () => {
    await run(2)
    await run(3)
    // gone from the listing at step 4: asked once it is a removal candidate (two complete crawls without it)
    for (let runs = 0; runs < 2; runs += 1) await run(4, [{ kind: 'status', status: 404, match: REMOVED }])
    const dir = mkdtempSync(join(tmpdir(), 'eurowatch-warc-'))
    try {
      const path = join(dir, 'all.warc')
      const output = await openOutput(path)
      await writeExport(db(), 'warc', { since: null, until: null, listingId: null }, output, { warc: { gzip: false, filename: 'all.warc', info: {} } })
      await output.commit()
      // readWarc checks every digest, warcinfo's included
      const records = await readWarc(path)
      expect(records[0]?.headers.get('warc-block-digest')).toMatch(/^sha256:/)
      const answers = records.filter((record) => record.type === 'response' || record.type === 'revisit').map((record) => `${record.http?.statusline.split(' ')[1]} ${record.targetUri}`)
      const listingPages = await db().selectFrom('page_fetch').select(['url', 'status']).where('status', 'is not', null).orderBy('id').execute()
      const entryPages = await db().selectFrom('detail_fetch').select(['url', 'final_url', 'status']).where('status', 'is not', null).orderBy('id').execute()
      const checks = await db().selectFrom('removal_check').select(['url', 'status']).orderBy('id').execute()
      expect(entryPages.length).toBeGreaterThan(0)
      expect(answers).toEqual([
        ...listingPages.map((fetch) => `${fetch.status} ${fetch.url}`),
        ...entryPages.map((fetch) => `${fetch.status} ${fetch.final_url ?? fetch.url}`),
        ...checks.map((check) => `${check.status} ${check.url}`),
      ])
      expect(answers).toEqual(expect.arrayContaining([`301 https://eurocities.eu${OLD}`, `404 https://eurocities.eu${REMOVED}`]))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 240_000)

  it('counts a redirect to a page no listing shows (the home page) as gone', async () => {
    await run(3)
    const home: Fault = { kind: 'replace', status: 301, body: '', headers: { Location: 'https://eurocities.eu/' }, match: REMOVED }
    expect(events(await run(4, [home]))).toEqual([])
    expect(events(await run(4, [home]))).toEqual([`removed ${REMOVED}`])
  }, 240_000)
})
