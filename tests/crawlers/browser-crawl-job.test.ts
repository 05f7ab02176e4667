// The crawl job end to end with both crawlers: the replica's topic pages in Chromium (each giving
// its theme), /latest/ over HTTP, into a database; then the site's next step, where posts drop off
// a topic's first page and must keep their theme.
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { crawlJob, type CrawlSource } from '../../jobs/crawl.ts'
import { eurocities } from '../../parsers/eurocities.ts'
import { TOPICS } from '../../replica/current/model.ts'
import { currentTimeline, startReplica, type Replica } from '../../replica/index.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { browserSettings, isRunning, requireChromiumForTests, topicsByKey, watchChromium } from './browser-support.ts'

const silent = pino({ level: 'silent' })
let replica: Replica

beforeAll(async () => {
  await requireChromiumForTests()
  replica = await startReplica({ port: 0 })
})
afterAll(async () => {
  await replica?.close()
})

function sources(topicPages: number): CrawlSource[] {
  return [
    { name: 'latest', profile: eurocities, url: 'https://eurocities.eu/latest/', maxPages: 20, render: 'http', theme: null },
    ...TOPICS.map((topic) => ({
      name: `topic-${topic.slug}`,
      profile: eurocities,
      url: `https://eurocities.eu/topics/${topic.slug}/`,
      maxPages: topicPages,
      render: 'browser' as const,
      theme: topic.slug,
    })),
  ]
}

describe.each(backends)('crawlJob with browser and HTTP listings (%s)', { timeout: 60_000 }, (backend) => {
  const db = useTestDatabase(backend)
  const deps = () => ({ db: db(), now: () => new Date(), log: silent })

  async function currentThemes(): Promise<Map<string, string[]>> {
    const rows = await db()
      .selectFrom('entry_version')
      .innerJoin('entry', 'entry.id', 'entry_version.entry_id')
      .select(['entry.entry_key', 'entry_version.themes'])
      .where('entry_version.valid_to_run', 'is', null)
      .execute()
    return new Map(rows.map((row) => [row.entry_key, [...row.themes].sort()]))
  }

  it('gives entries the themes of the topic pages that list them, and keeps them when they drop off page 1', async () => {
    replica.setStep(0)
    replica.setFaults([])
    const first = await watchChromium(() => crawlJob(deps(), sources(20), browserSettings(replica)))
    expect(first.result.status).toBe('complete')
    // outcomes in the sources' order, whichever crawler ran them
    expect(first.result.listings.map((listing) => [listing.source, listing.status])).toEqual(sources(20).map((source) => [source.name, 'complete']))
    expect(first.result.listings[0]?.entries).toBe(45)
    expect(await currentThemes()).toEqual(topicsByKey(0))
    expect(first.seen.filter(isRunning)).toEqual([])

    // Step 1: newer posts push some off page 1 of their topic; crawling only page 1 of each topic,
    // those posts are seen on /latest/ alone, without a theme, and must keep the one they had.
    replica.setStep(1)
    const dropped = currentTimeline[1]?.droppedOffPage1 ?? []
    expect(dropped.length).toBeGreaterThan(0)
    const second = await crawlJob(deps(), sources(1), browserSettings(replica))
    expect(second.listings.find((listing) => listing.source === 'latest')?.status).toBe('complete')
    const themes = await currentThemes()
    for (const { key, listing } of dropped) {
      const topic = listing.split('/')[2] ?? ''
      expect(themes.get(key), key).toContain(topic)
    }
    // and every entry still has (at least) the themes of step 0
    for (const [key, expected] of topicsByKey(0)) expect(themes.get(key), key).toEqual(expect.arrayContaining(expected))
    replica.setStep(0)
  }, 120_000)

  it('records the HTTP crawler on a topic page as a failed listing, not as an empty one', async () => {
    replica.setStep(0)
    const topicOverHttp: CrawlSource = { name: 'mobility-http', profile: eurocities, url: 'https://eurocities.eu/topics/mobility/', maxPages: 5, render: 'http', theme: 'mobility' }
    const summary = await crawlJob(deps(), [topicOverHttp], browserSettings(replica))
    expect(summary.status).toBe('failed')
    expect(summary.listings[0]).toMatchObject({ status: 'failed', entries: 0 })
    expect(summary.listings[0]?.reason).toContain('need the browser')
  })
})
