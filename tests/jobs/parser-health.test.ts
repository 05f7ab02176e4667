// The parser health check end to end: the replica over HTTP, the real crawl and diff jobs.
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { crawlJob, type CrawlSource } from '../../jobs/crawl.ts'
import { diffRun } from '../../jobs/diff.ts'
import { healthOfRuns } from '../../db/report-queries.ts'
import { eurocitiesLegacy } from '../../parsers/eurocities-legacy.ts'
import type { SiteProfile } from '../../domain/entry.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { replicaCrawlSettings, useReplica } from '../support/replica.ts'

const SOCIAL = 'http://www.eurocities.eu/eurocities/issues/social-innovation-issue'
const silent = pino({ level: 'silent' })

// Parser regressions as a changed site would cause them: same pages, worse results.
const lostTitles: SiteProfile = {
  ...eurocitiesLegacy,
  parseListing: (html, url) => {
    const page = eurocitiesLegacy.parseListing(html, url)
    return { ...page, entries: page.entries.map((entry) => ({ ...entry, title: null })) }
  },
}
const lostPager: SiteProfile = { ...eurocitiesLegacy, parseListing: (html, url) => ({ ...eurocitiesLegacy.parseListing(html, url), nextPage: null }) }

const replica = useReplica()

const settings = () => replicaCrawlSettings(replica(), { maxRetries: 0 })

describe.each(backends)('parser health on %s', (backend) => {
  const db = useTestDatabase(backend)
  const deps = () => ({ db: db(), now: () => new Date(), log: silent })
  const source = (profile: SiteProfile): CrawlSource => ({ name: 'social-innovation', profile, url: SOCIAL, maxPages: 50, render: 'http', theme: null })

  async function run(profile: SiteProfile) {
    const crawl = await crawlJob(deps(), [source(profile)], settings())
    const diff = await diffRun(deps(), crawl.runId, { removeAfter: 1 })
    return { crawl, diff, health: await healthOfRuns(db(), [crawl.runId]) }
  }

  it('keeps entries that lost a field they always had out of the versions, and says so', async () => {
    replica().setStep(0)
    expect((await run(eurocitiesLegacy)).crawl.status).toBe('complete')
    const broken = await run(lostTitles)
    expect(broken.crawl.status).toBe('partial')
    expect(broken.crawl.versionsCreated).toBe(0)
    expect(broken.diff.events).toEqual([])
    expect(broken.health.map((event) => event.problem)).toEqual(['missing-field', 'missing-field', 'missing-field'])
    expect(broken.health[0]?.message).toBe('title missing on 10 of 10 entries (usually on 100%)')
    expect(broken.health[0]?.listing.source).toBe('social-innovation')
    expect((await run(eurocitiesLegacy)).diff.events).toEqual([])
  })

  it('does not remove the entries of a listing whose pager vanished', async () => {
    replica().setStep(0)
    await run(eurocitiesLegacy)
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const broken = await run(lostPager)
      expect(broken.crawl.status).toBe('partial')
      expect(broken.diff.events).toEqual([])
      expect(broken.health.map((event) => [event.problem, event.pageUrl])).toEqual([['incomplete', null]])
    }
  })
})
