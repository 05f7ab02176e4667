// The crawl job against what no page may do to a run: hold it past its timeout (the replica's own
// `slow` fault) or hold its event loop while parsing (100,000 nested <div>s).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OriginMap } from '../../crawlers/origin-map.ts'
import { crawlJob, type CrawlSource } from '../../jobs/crawl.ts'
import { resolveProfile } from '../../parsers/index.ts'
import { legacySources } from '../../src/config/defaults.ts'
import { MIGRATION_INTEGRATION } from '../../replica/legacy/listings.ts'
import { useTestDatabase } from '../support/databases.ts'
import { startHostileSite, type HostileSite } from '../support/hostile-site.ts'
import { replicaCrawlSettings, silentLog, useReplica } from '../support/replica.ts'

const replica = useReplica()
const db = useTestDatabase('pglite')
const deps = () => ({ db: db(), now: () => new Date(), log: silentLog })

let site: HostileSite
beforeAll(async () => {
  site = await startHostileSite()
})
afterAll(async () => {
  await site.close()
})

const SOCIAL = legacySources.find((source) => source.name === 'social-innovation')
const source = (name: string, url: string): CrawlSource => ({ name, profile: resolveProfile('eurocities-legacy'), url, maxPages: 50, render: 'http', theme: null })

describe('a run against pages that misbehave', () => {
  it("finishes as partial when a page is slower than timeoutSeconds (the replica's slow fault)", async () => {
    replica().setStep(0)
    replica().setFaults([{ kind: 'slow', delayMs: 3000, match: 'social-innovation-issue&newsstart=11' }])
    try {
      const summary = await crawlJob(deps(), [source('social-innovation', SOCIAL?.url ?? '')], replicaCrawlSettings(replica(), { timeoutSeconds: 1 }))
      expect(summary.status).toBe('partial')
      expect(summary.listings[0]).toMatchObject({ status: 'partial', pages: 1, entries: 10, reason: 'page 2: no complete answer within 1 s' })
      const run = await db().selectFrom('crawl_run').select(['status', 'error']).where('id', '=', summary.runId).executeTakeFirstOrThrow()
      expect(run).toEqual({ status: 'partial', error: 'social-innovation: page 2: no complete answer within 1 s' })
    } finally {
      replica().setFaults([])
    }
  })

  it('reads pages in worker threads: 100,000 nested <div>s fail their page at the budget while the other listing is crawled', async () => {
    site.setListing('nested', { entries: 20, pages: { 1: { kind: 'nested-divs', depth: 100_000 } } })
    site.setListing('plain', { entries: 30 })
    const settings = { ...replicaCrawlSettings(replica(), { origins: new OriginMap() }), parseTimeoutSeconds: 1, parseThreads: 1 }
    const summary = await crawlJob(deps(), [source('nested', site.pageUrl('nested')), source('plain', site.pageUrl('plain'))], settings)
    expect(summary.listings.map((listing) => [listing.source, listing.status, listing.pages, listing.entries])).toEqual([
      ['nested', 'failed', 0, 0],
      ['plain', 'complete', 3, 30],
    ])
    expect(summary.listings[0]?.reason).toBe('page 1: layout: the page could not be read within 1.1 s')
    // the page is kept as it came, for a later look
    const stored = await db().selectFrom('page_fetch').select(['outcome', 'error']).where('run_id', '=', summary.runId).where('page_number', '=', 1).execute()
    expect(stored).toContainEqual({ outcome: 'layout-error', error: 'layout: the page could not be read within 1.1 s' })
  })

  it('reads pages the same in a worker thread as on the crawl thread, ISO-8859-1 ones included', async () => {
    replica().setStep(0)
    const sources = [source('social-innovation', SOCIAL?.url ?? ''), source('migration', `http://www.eurocities.eu${MIGRATION_INTEGRATION}`)]
    const inWorkers = await crawlJob(deps(), sources, { ...replicaCrawlSettings(replica()), parseThreads: 1 })
    const onThread = await crawlJob(deps(), sources, { ...replicaCrawlSettings(replica()), parseThreads: 0 })
    expect(inWorkers.status).toBe('complete')
    expect(inWorkers.newEntries).toBeGreaterThan(30)
    // the same entries, with the same fields: nothing new, no new version
    expect(onThread).toMatchObject({ status: 'complete', entriesSeen: inWorkers.entriesSeen, newEntries: 0, versionsCreated: 0 })
    const charsets = await db().selectFrom('page_fetch').select('charset').distinct().where('run_id', '=', inWorkers.runId).execute()
    expect(charsets.map((row) => row.charset).sort()).toEqual(['UTF-8', 'windows-1252'])
  })
})
