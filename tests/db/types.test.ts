// Both backends must hand back the same JS types for the same row.
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { openVersions, upsertEntries } from '../../db/entries.ts'
import { finishListingCrawl, startListingCrawl } from '../../db/listings.ts'
import { recordPageFetch, storePageBody } from './fixtures.ts'
import { finishRun } from '../../db/runs.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { parsedEntry, seedRunAndListing, T0 } from './fixtures.ts'

function typeOf(value: unknown): string {
  if (value === null) return 'null'
  if (value instanceof Date) return 'Date'
  if (value instanceof Uint8Array) return 'Uint8Array'
  if (Array.isArray(value)) return `${typeof value[0]}[]`
  return typeof value
}

const signature = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeOf(v)]))

describe.each(backends)('column types on %s', (backend) => {
  const db = useTestDatabase(backend)

  it('returns numbers, Dates, string[] and Uint8Array alike', async () => {
    const { runId, listingId } = await seedRunAndListing(db())
    await finishRun(db(), runId, { status: 'complete', pagesFetched: 1, entriesSeen: 1, versionsCreated: 1, error: null }, T0)
    await startListingCrawl(db(), runId, listingId, T0)
    await finishListingCrawl(db(), runId, listingId, { status: 'complete', pages: 1, entries: 1, reason: null }, T0)
    const sha = await storePageBody(db(), Buffer.from('<html></html>'))
    await recordPageFetch(db(), {
      runId, listingId, pageNumber: 1, url: 'http://a/', fetchedUrl: 'http://127.0.0.1/a', status: 200, contentType: 'text/html',
      headers: { 'content-type': 'text/html', etag: '"a"' }, charset: 'UTF-8', outcome: 'fetched', bytes: 13, durationMs: 12.4, attempts: 1, bodySha256: sha, error: null, fetchedAt: T0,
    })
    const [entry] = await upsertEntries(db(), runId, ['WSPO-000001'])
    const { key: _key, ...fields } = parsedEntry(1, { endDate: '2019-10-24' })
    await openVersions(db(), [{ entryId: entry!.id, fields, closed: false }], runId, T0)

    expect(signature(await db().selectFrom('crawl_run').selectAll().executeTakeFirstOrThrow())).toEqual({
      id: 'number', started_at: 'Date', finished_at: 'Date', status: 'string', pages_fetched: 'number', entries_seen: 'number',
      versions_created: 'number', error: 'null', diffed_at: 'null', printed_at: 'null', kind: 'string', queued: 'boolean',
    })
    expect(signature(await db().selectFrom('listing_crawl').selectAll().executeTakeFirstOrThrow())).toEqual({
      run_id: 'number', listing_id: 'number', status: 'string', pages: 'number', entries: 'number', reason: 'null', started_at: 'Date', finished_at: 'Date', limited: 'boolean',
    })
    expect(signature(await db().selectFrom('page_body').selectAll().executeTakeFirstOrThrow())).toEqual({
      sha256: 'string', size: 'number', compression: 'string', body: 'Uint8Array', created_at: 'Date',
    })
    expect(signature(await db().selectFrom('page_fetch').selectAll().executeTakeFirstOrThrow())).toMatchObject({
      id: 'number', status: 'number', bytes: 'number', duration_ms: 'number', fetched_at: 'Date', error: 'null', headers: 'object', charset: 'string', outcome: 'string',
    })
    // jsonb headers come back as the object stored, on both backends
    expect((await db().selectFrom('page_fetch').select('headers').executeTakeFirstOrThrow()).headers).toEqual({ 'content-type': 'text/html', etag: '"a"' })
    const version = await db().selectFrom('entry_version').selectAll().executeTakeFirstOrThrow()
    expect(signature(version)).toEqual({
      id: 'number', entry_id: 'number', url: 'string', title: 'string', type: 'string', date: 'string', end_date: 'string', themes: 'string[]',
      summary: 'string', summary_truncated: 'boolean', document_type: 'null', valid_from_run: 'number', valid_to_run: 'null', valid_from: 'Date', valid_to: 'null',
      origin: 'string', corrected_at: 'null',
    })
    expect(version.valid_from.toISOString()).toBe(T0.toISOString())
    expect(version.date).toBe('2019-10-23')
    const counted = await sql<{ n: unknown; total: unknown }>`select count(*) as n, sum(size) as total from page_body`.execute(db())
    // count(*) is int8: a number on both (pg's default would be a string); sum(int) is int8 too
    expect(counted.rows[0]).toEqual({ n: 1, total: 13 })
  })
})
