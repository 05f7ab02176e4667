// Today's WordPress site offers an RSS feed of its newest posts: an incremental crawl asks it first,
// conditionally, and pages a listing only when it changed. The replica's current site, both backends.
import { describe, expect, it } from 'vitest'
import { crawlJob, type CrawlSource } from '../../jobs/crawl.ts'
import { diffRun } from '../../jobs/diff.ts'
import { eurocities } from '../../parsers/eurocities.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { replicaCrawlSettings, silentLog, useReplica } from '../support/replica.ts'

const replica = useReplica()

const latest = (everyRuns: number): CrawlSource => ({
  name: 'latest',
  profile: eurocities,
  url: 'https://eurocities.eu/latest/',
  maxPages: 30,
  render: 'http',
  theme: null,
  fullCrawl: { everyRuns, olderThanHours: null },
})

describe.each(backends)('the feed probe on %s', (backend) => {
  const db = useTestDatabase(backend)
  const deps = () => ({ db: db(), now: () => new Date(), log: silentLog })
  const run = async (everyRuns = 100) => {
    replica().resetRequests()
    const crawl = await crawlJob(deps(), [latest(everyRuns)], { ...replicaCrawlSettings(replica()), parseThreads: 0 })
    const diff = await diffRun(deps(), crawl.runId, { removeAfter: 2 })
    const requests = replica()
      .requests()
      .filter((request) => request.path !== '/robots.txt')
      .map((request) => `${request.status} ${request.path}`)
    return { listing: crawl.listings[0], requests, news: diff.events.filter((event) => event.kind === 'new' && !event.baseline).length }
  }

  it('pages nothing while the feed is unchanged, and pages again once it changes', async () => {
    replica().setStep(0)
    const first = await run()
    expect(first.listing).toMatchObject({ mode: 'full', status: 'complete' })
    expect(first.requests).toContain('200 /feed/')

    const quiet = await run()
    expect(quiet.requests).toEqual(['304 /feed/'])
    expect(quiet.listing).toMatchObject({ mode: 'incremental', status: 'incremental', pages: 0 })

    // three new posts at the top of /latest/: the feed changed, the listing is paged (never read from the feed)
    replica().setStep(1)
    const changed = await run()
    expect(changed.requests[0]).toBe('200 /feed/')
    expect(changed.requests[1]).toBe('200 /latest/')
    expect(changed.listing).toMatchObject({ mode: 'incremental', status: 'incremental' })
    expect(changed.news).toBe(3)

    const quietAgain = await run()
    expect(quietAgain.requests).toEqual(['304 /feed/'])
  })

  it('asks no feed for a listing crawled in full every time', async () => {
    replica().setStep(0)
    await run(1)
    const second = await run(1)
    expect(second.requests.some((request) => request.includes('/feed/'))).toBe(false)
    expect(second.listing).toMatchObject({ mode: 'full', status: 'complete' })
  })
})
