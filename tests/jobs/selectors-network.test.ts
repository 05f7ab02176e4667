// A third, made-up network configured with selectors only: crawled over HTTP from the replica and diffed.
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { crawlJob, type CrawlSource } from '../../jobs/crawl.ts'
import { diffRun } from '../../jobs/diff.ts'
import { createSelectorsProfile } from '../../parsers/selectors.ts'
import { parseSelectorsConfig } from '../../parsers/selectors-config.ts'
import { NETWORK_HOST, networkTimeline, urbanNetSelectors } from '../../replica/index.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { replicaCrawlSettings, useReplica } from '../support/replica.ts'

const silent = pino({ level: 'silent' })
const profile = createSelectorsProfile(parseSelectorsConfig(urbanNetSelectors))
const source: CrawlSource = { name: 'urban-net-news', profile, url: `${NETWORK_HOST}/urban-net/news/`, maxPages: 20, render: 'http', theme: null }

const replica = useReplica()

const settings = () => replicaCrawlSettings(replica(), { maxConcurrency: 2, maxRetries: 0 })

const keysOf = (step: number, kind: string) => (networkTimeline[step]?.changes ?? []).filter((change) => change.kind === kind).map((change) => change.key)

describe.each(backends)('a selectors-configured network on %s', (backend) => {
  const db = useTestDatabase(backend)
  const deps = () => ({ db: db(), now: () => new Date(), log: silent })
  async function runAt(step: number) {
    replica().setStep(step)
    const crawl = await crawlJob(deps(), [source], settings())
    const diff = await diffRun(deps(), crawl.runId, { removeAfter: 2 })
    return { crawl, events: diff.events.map((event) => `${event.kind} ${event.entry.key}`).sort() }
  }

  it('reports exactly the timeline of the network', async () => {
    const first = await runAt(0)
    expect(first.crawl).toMatchObject({ status: 'complete', pagesFetched: 3, entriesSeen: 14 })
    expect(first.events).toHaveLength(14)
    expect((await runAt(0)).events).toEqual([])
    expect((await runAt(1)).events).toEqual(keysOf(1, 'publish').map((key) => `new ${key}`))
    expect((await runAt(2)).events).toEqual([])
    expect((await runAt(3)).events).toEqual(keysOf(3, 'retitle').map((key) => `changed ${key}`))
    expect((await runAt(4)).events).toEqual([])
    expect((await runAt(4)).events).toEqual(keysOf(4, 'remove').map((key) => `removed ${key}`))
  })
})
