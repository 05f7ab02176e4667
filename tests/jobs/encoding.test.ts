// A listing served as ISO-8859-1, crawled end to end: its bytes decoded as a browser would,
// stored with the charset they were read in, and its accents and typographic quotes intact.
import { describe, expect, it } from 'vitest'
import { crawlJob } from '../../jobs/crawl.ts'
import { eurocitiesLegacy } from '../../parsers/eurocities-legacy.ts'
import { latin1Listing } from '../../replica/index.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { replicaCrawlSettings, silentLog, useReplica } from '../support/replica.ts'

const replica = useReplica()

describe.each(backends)('a windows-1252 listing crawled into %s', (backend) => {
  const db = useTestDatabase(backend)

  it('stores its entries as the site wrote them and the charset its pages were read in', async () => {
    const listing = latin1Listing()
    const source = { name: 'migration', profile: eurocitiesLegacy, url: listing.url, maxPages: 10, render: 'http' as const, theme: null }
    const summary = await crawlJob({ db: db(), now: () => new Date(), log: silentLog }, [source], replicaCrawlSettings(replica()))
    expect(summary.status).toBe('complete')

    const titles = await db()
      .selectFrom('sighting as s')
      .innerJoin('entry_version as v', (join) => join.onRef('v.entry_id', '=', 's.entry_id').on('v.valid_to_run', 'is', null))
      .select(['v.title', 'v.summary'])
      .where('s.run_id', '=', summary.runId)
      .orderBy('s.position')
      .execute()
    expect(titles.map((row) => row.title)).toEqual(listing.entries.map((entry) => entry.title))
    expect(titles.map((row) => row.summary)).toEqual(listing.entries.map((entry) => entry.summary))
    expect(titles.some((row) => /á.*ó|“/.test(row.title ?? ''))).toBe(true)
    expect(titles.every((row) => !`${row.title}${row.summary}`.includes('\uFFFD'))).toBe(true)

    const pages = await db().selectFrom('page_fetch').select(['url', 'charset', 'content_type', 'headers', 'outcome']).orderBy('page_number').execute()
    expect(pages.map((page) => page.url)).toEqual(listing.pageUrls)
    expect(pages.every((page) => page.charset === 'windows-1252' && page.outcome === 'fetched')).toBe(true)
    expect(pages[0]?.headers?.['content-type']).toBe(listing.contentType)
  })
})
