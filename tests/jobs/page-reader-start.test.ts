// The page reader's thread starts with a full crawl, not when the first page has come: a thread
// loads its code first, which the first page would wait for. (An incremental crawl starts one only
// when a page has to be read: see tests/jobs/incremental.test.ts.)
// Observed as the order of two events: a worker thread created, the first listing page asked for.
import { createHook } from 'node:async_hooks'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { describe, expect, it } from 'vitest'
import { crawlJob, type CrawlSource } from '../../jobs/crawl.ts'
import { eurocitiesLegacy } from '../../parsers/eurocities-legacy.ts'
import { legacySources } from '../../src/config/defaults.ts'
import { useTestDatabase } from '../support/databases.ts'
import { replicaCrawlSettings, silentLog, useReplica } from '../support/replica.ts'

const replica = useReplica()
const db = useTestDatabase('pglite')

describe('the page reader of a crawl', () => {
  it('starts its thread before the first listing page is asked for', async () => {
    const events: string[] = []
    const threads = createHook({ init: (_id, type) => void (type === 'WORKER' && events.push('thread')) })
    const requests = ({ request }: { request: { path: string } }) => void (request.path.includes('/issues/') && events.push('listing page'))
    const source = legacySources[0]
    if (source === undefined) throw new Error('no legacy source')
    const sources: CrawlSource[] = [{ name: source.name, profile: eurocitiesLegacy, url: source.url, maxPages: 1, render: 'http', theme: null }]
    threads.enable()
    subscribe('undici:request:create', requests as (message: unknown) => void)
    try {
      await crawlJob({ db: db(), now: () => new Date(), log: silentLog }, sources, { ...replicaCrawlSettings(replica()), parseThreads: 1 })
    } finally {
      threads.disable()
      unsubscribe('undici:request:create', requests as (message: unknown) => void)
    }
    expect(events[0]).toBe('thread')
    expect(events).toContain('listing page')
    // a PGlite database and a thread that compiles the sources with tsx: slow on a loaded machine
  }, 120_000)
})
