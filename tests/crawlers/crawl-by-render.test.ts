// A run on a machine without any Chromium: the HTTP listings are crawled, the browser listings
// fail saying where a browser was looked for, and the run is partial rather than aborted.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findChromium, type ChromiumSearch } from '../../crawlers/chromium.ts'
import { crawlListingsByRender, type MixedCrawlSettings } from '../../crawlers/crawl-by-render.ts'
import type { ListingTarget } from '../../crawlers/listing-crawl.ts'
import { UserError } from '../../domain/errors.ts'
import { runStatus } from '../../domain/run-status.ts'
import { eurocities } from '../../parsers/eurocities.ts'
import { replicaCrawlSettings, silentLog, useReplica } from '../support/replica.ts'
import { readingSink } from './reading-sink.ts'

const replica = useReplica()
let emptyDir: string
beforeAll(() => {
  emptyDir = mkdtempSync(join(tmpdir(), 'eurowatch-no-chromium-'))
})
afterAll(() => {
  rmSync(emptyDir, { recursive: true, force: true })
})

const targets: ListingTarget[] = [
  { listingId: 1, sourceName: 'latest', url: 'https://eurocities.eu/latest/', profile: eurocities, maxPages: 20, render: 'http', theme: null },
  { listingId: 2, sourceName: 'topic-mobility', url: 'https://eurocities.eu/topics/mobility/', profile: eurocities, maxPages: 20, render: 'browser', theme: 'mobility' },
]

/** The real lookup on a machine with nothing to find: an empty PATH and no npm package. */
const nowhere = (search: ChromiumSearch) => findChromium({ ...search, searchPath: emptyDir, npmPackage: '@eurowatch/no-such-chromium' })

function settings(executablePath?: string): MixedCrawlSettings {
  return { ...replicaCrawlSettings(replica()), browser: { executablePath, navigationTimeoutSeconds: 15, listTimeoutSeconds: 5 } }
}

async function crawl(settings: MixedCrawlSettings) {
  const sink = readingSink()
  const crawled = await crawlListingsByRender(targets, sink, settings, silentLog, nowhere)
  return { pages: sink.pages, outcomes: sink.verdicts(crawled) }
}

describe('crawlListingsByRender without a browser', () => {
  it('crawls the HTTP listings and fails each browser listing with where it looked', async () => {
    replica().resetRequests()
    const { pages, outcomes } = await crawl(settings())
    expect(outcomes.map((outcome) => [outcome.target.sourceName, outcome.status])).toEqual([
      ['latest', 'complete'],
      ['topic-mobility', 'failed'],
    ])
    expect(outcomes[0]?.entries).toBeGreaterThan(0)
    expect(outcomes[1]).toMatchObject({ pages: 0, entries: 0, limited: false })
    expect(outcomes[1]?.reason).toMatch(/^no Chromium: .*on PATH \(.*eurowatch-no-chromium-.*\); npm package @eurowatch\/no-such-chromium not installed/)
    expect(outcomes[1]?.reason).not.toContain('\n')
    // a run of these outcomes is partial (exit code 3), not failed
    expect(runStatus(outcomes.map((outcome) => outcome.status))).toBe('partial')
    expect(pages.every((page) => page.target.sourceName === 'latest')).toBe(true)
    expect(replica().requests().some((request) => request.path.startsWith('/topics/'))).toBe(false)
  })

  it('stops before any fetch when the configured Chromium is not there: the user typo is a UserError', async () => {
    replica().resetRequests()
    const attempt = crawl(settings('/nonexistent/chromium'))
    await expect(attempt).rejects.toThrow(UserError)
    await expect(attempt).rejects.toThrow(/^Chromium not found at \/nonexistent\/chromium \(browser.executablePath \/ CHROMIUM_PATH\)/)
    expect(replica().requests()).toEqual([])
  })
})
