import type { Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import type { Database } from '../../db/schema.ts'
import { storeListingPages, type ListingPageInput } from '../../jobs/store-page.ts'
import type { ParsedEntry } from '../../domain/entry.ts'
import { createRun } from '../../db/runs.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { parsedEntry, seedRunAndListing, storeListingPage, T0 } from '../db/fixtures.ts'

const PAGE_URL = 'http://www.eurocities.eu/eurocities/issues/social-innovation-issue'

function page(ids: { runId: number; listingId: number }, entries: ParsedEntry[] | null, overrides: Partial<ListingPageInput> = {}): ListingPageInput {
  return {
    ...ids,
    pageNumber: 1,
    canonicalUrl: PAGE_URL,
    fetchedUrl: 'http://127.0.0.1:8080/eurocities/issues/social-innovation-issue',
    status: 200,
    contentType: 'text/html; charset=utf-8',
    headers: { 'content-type': 'text/html; charset=utf-8', etag: '"v1"' },
    body: Buffer.from(`<html>${JSON.stringify(entries)}</html>`),
    charset: 'UTF-8',
    durationMs: 42,
    attempts: 1,
    outcome: entries === null ? 'fetch-failed' : 'fetched',
    error: null,
    entries,
    firstPosition: 1,
    theme: null,
    themeSource: 'page',
    ...overrides,
  }
}

const deps = (db: Kysely<Database>) => ({ db, now: () => T0 })

async function versionsOf(db: Kysely<Database>, key: string) {
  return db
    .selectFrom('entry_version')
    .innerJoin('entry', 'entry.id', 'entry_version.entry_id')
    .selectAll('entry_version')
    .where('entry.entry_key', '=', key)
    .orderBy('entry_version.id')
    .execute()
}

describe.each(backends)('storeListingPage on %s', (backend) => {
  const db = useTestDatabase(backend)

  it('stores entries, versions and sightings once however often the page is stored', async () => {
    const ids = await seedRunAndListing(db())
    const entries = [parsedEntry(1), parsedEntry(2), parsedEntry(3)]
    const first = await storeListingPage(deps(db()), page(ids, entries))
    expect(first).toMatchObject({ newEntries: 3, versionsCreated: 3, sightings: 3 })
    const again = await storeListingPage(deps(db()), page(ids, entries))
    expect(again).toMatchObject({ newEntries: 0, versionsCreated: 0, sightings: 0 })

    const nextRun = await createRun(db(), T0)
    const third = await storeListingPage(deps(db()), page({ ...ids, runId: nextRun }, entries))
    expect(third).toMatchObject({ newEntries: 0, versionsCreated: 0, sightings: 3 })

    expect(await db().selectFrom('page_body').select('sha256').execute()).toHaveLength(1)
    expect(await db().selectFrom('page_fetch').select('id').execute()).toHaveLength(3)
    expect(await db().selectFrom('entry_version').select('id').execute()).toHaveLength(3)
    const sightings = await db().selectFrom('sighting').select(['run_id', 'position']).orderBy('run_id').orderBy('position').execute()
    expect(sightings).toEqual([ids.runId, nextRun].flatMap((run_id) => [1, 2, 3].map((position) => ({ run_id, position }))))
    expect(await db().selectFrom('entry').select(['first_seen_run', 'last_seen_run']).distinct().execute()).toEqual([
      { first_seen_run: ids.runId, last_seen_run: nextRun },
    ])
  })

  it('closes the old version and opens a new one when the summary changes', async () => {
    const ids = await seedRunAndListing(db())
    await storeListingPage(deps(db()), page(ids, [parsedEntry(1), parsedEntry(2)]))
    const run2 = await createRun(db(), T0)
    const later = new Date(T0.getTime() + 3600_000)
    const result = await storeListingPage({ db: db(), now: () => later }, page({ ...ids, runId: run2 }, [parsedEntry(1, { summary: 'Edited summary.' }), parsedEntry(2)]))
    expect(result).toMatchObject({ newEntries: 0, versionsCreated: 1, sightings: 2 })
    const versions = await versionsOf(db(), 'WSPO-000001')
    expect(versions.map((v) => [v.summary, v.valid_from_run, v.valid_to_run, v.valid_to?.toISOString() ?? null])).toEqual([
      ['Summary of entry 1, long enough to be cut somewhere.', ids.runId, run2, later.toISOString()],
      ['Edited summary.', run2, null, null],
    ])
    expect(await versionsOf(db(), 'WSPO-000002')).toHaveLength(1)
  })

  it('creates no version for whitespace, NFD, theme order or a cut summary', async () => {
    const ids = await seedRunAndListing(db())
    const base = parsedEntry(1, { title: 'Caf\u00e9 culture', themes: ['culture', 'economy'] })
    await storeListingPage(deps(db()), page(ids, [base]))
    const run2 = await createRun(db(), T0)
    const cosmetic = { ...base, title: ' Cafe\u0301  culture', themes: ['economy', 'culture'], summary: `${base.summary}\u00a0` }
    const cut = { ...base, summary: 'Summary of entry 1, long enough...', summaryTruncated: true }
    expect(await storeListingPage(deps(db()), page({ ...ids, runId: run2 }, [cosmetic]))).toMatchObject({ versionsCreated: 0 })
    expect(await storeListingPage(deps(db()), page({ ...ids, runId: run2 }, [cut], { pageNumber: 2 }))).toMatchObject({ versionsCreated: 0 })
    const [version] = await versionsOf(db(), base.key)
    expect(version).toMatchObject({ title: 'Caf\u00e9 culture', summary: base.summary, summary_truncated: false, valid_to_run: null })
  })

  it('completes a cut summary seen in full in place: the same version, no new one', async () => {
    const ids = await seedRunAndListing(db())
    const full = parsedEntry(1)
    await storeListingPage(deps(db()), page(ids, [{ ...full, summary: 'Summary of entry 1...', summaryTruncated: true }]))
    const run2 = await createRun(db(), T0)
    expect(await storeListingPage(deps(db()), page({ ...ids, runId: run2 }, [full]))).toMatchObject({ versionsCreated: 0 })
    const versions = await versionsOf(db(), full.key)
    expect(versions.map((v) => [v.summary, v.summary_truncated, v.valid_from_run, v.valid_to_run])).toEqual([[full.summary, false, ids.runId, null]])
  })

  it('survives a key listed twice on one page', async () => {
    const ids = await seedRunAndListing(db())
    const twice = [parsedEntry(1), parsedEntry(2), parsedEntry(1, { title: 'Same key, other card' })]
    expect(await storeListingPage(deps(db()), page(ids, twice))).toMatchObject({ newEntries: 2, versionsCreated: 2, sightings: 3 })
    expect((await versionsOf(db(), 'WSPO-000001')).map((v) => v.title)).toEqual(['Entry 1'])
  })

  it('records only the fetch when the page failed', async () => {
    const ids = await seedRunAndListing(db())
    const failed = await storeListingPage(deps(db()), page(ids, null, { status: 500, body: null, charset: null, attempts: 3, error: 'HTTP 500 after 3 attempts' }))
    expect(failed).toMatchObject({ newEntries: 0, versionsCreated: 0, sightings: 0 })
    const fetches = await db().selectFrom('page_fetch').selectAll().execute()
    expect(fetches).toMatchObject([{ id: failed.pageFetchId, status: 500, body_sha256: null, bytes: null, error: 'HTTP 500 after 3 attempts', attempts: 3 }])
    const unparsed = await storeListingPage(deps(db()), page(ids, null, { body: Buffer.from('<main></main>'), outcome: 'layout-error', error: 'no entries at #content .newsitem' }))
    expect(unparsed.sightings).toBe(0)
    expect(await db().selectFrom('page_fetch').select(['outcome', 'headers', 'charset', 'error']).orderBy('id').execute()).toEqual([
      { outcome: 'fetch-failed', headers: { 'content-type': 'text/html; charset=utf-8', etag: '"v1"' }, charset: null, error: 'HTTP 500 after 3 attempts' },
      { outcome: 'layout-error', headers: { 'content-type': 'text/html; charset=utf-8', etag: '"v1"' }, charset: 'UTF-8', error: 'no entries at #content .newsitem' },
    ])
    expect(await db().selectFrom('page_body').select('size').execute()).toEqual([{ size: 13 }])
    expect(await db().selectFrom('entry').select('id').execute()).toEqual([])
  })

  it('lands every page of concurrent calls, overlapping entries included', async () => {
    const ids = await seedRunAndListing(db())
    const other = await seedRunAndListing(db(), 'innovation')
    const calls = Array.from({ length: 8 }, (_, p) => {
      const listing = p % 2 === 0 ? ids.listingId : other.listingId
      // pages share entries: 1-5 on every page, plus their own
      const entries = [1, 2, 3, 4, 5, 100 + p].map((n) => parsedEntry(n))
      return storeListingPage(deps(db()), page({ runId: ids.runId, listingId: listing }, entries, { pageNumber: p + 1, firstPosition: p * 6 + 1 }))
    })
    const results = await Promise.all(calls)
    expect(results.reduce((n, r) => n + r.sightings, 0)).toBe(48)
    expect(results.reduce((n, r) => n + r.newEntries, 0)).toBe(13)
    expect(results.reduce((n, r) => n + r.versionsCreated, 0)).toBe(13)
    expect(await db().selectFrom('sighting').select('range_id').execute()).toHaveLength(48)
    expect(await db().selectFrom('entry_version').select('id').where('valid_to_run', 'is', null).execute()).toHaveLength(13)
  })

  it('stores a batch of pages exactly as it would store them one by one', async () => {
    const ids = await seedRunAndListing(db())
    const cut = { ...parsedEntry(1), summary: 'Summary of entry 1...', summaryTruncated: true }
    const results = await storeListingPages(deps(db()), [
      page(ids, [cut, parsedEntry(2)], { pageNumber: 1 }),
      page(ids, [parsedEntry(1), parsedEntry(2, { title: 'Entry 2, retitled' })], { pageNumber: 2, firstPosition: 3, body: Buffer.from('page 2') }),
      page(ids, null, { pageNumber: 3, status: 500, body: null, error: 'HTTP 500' }),
    ])
    expect(results.map(({ newEntries, versionsCreated, sightings }) => [newEntries, versionsCreated, sightings])).toEqual([
      [2, 2, 2],
      [0, 1, 2],
      [0, 0, 0],
    ])
    // the cut summary seen in full on page 2: the version page 1 opened, completed
    const first = await versionsOf(db(), 'WSPO-000001')
    expect(first.map((v) => [v.summary_truncated, v.valid_from_run, v.valid_to_run])).toEqual([[false, ids.runId, null]])
    expect((await versionsOf(db(), 'WSPO-000002')).map((v) => [v.title, v.valid_to_run])).toEqual([
      ['Entry 2', ids.runId],
      ['Entry 2, retitled', null],
    ])
    const fetches = await db().selectFrom('page_fetch').select(['id', 'page_number', 'status']).orderBy('id').execute()
    expect(fetches.map((f) => [f.id, f.page_number, f.status])).toEqual(results.map((r, i) => [r.pageFetchId, i + 1, i === 2 ? 500 : 200]))
  })

  it('accumulates themes from themed listings and keeps them when the entry shows up without one', async () => {
    const ids = await seedRunAndListing(db())
    const card = parsedEntry(1, { themes: [] })
    const listingTheme = (theme: string | null, pageNumber: number) => ({ theme, themeSource: 'listing' as const, pageNumber, body: Buffer.from(`page ${pageNumber}`) })
    await storeListingPages(deps(db()), [page(ids, [card], listingTheme('mobility', 1)), page(ids, [card], listingTheme('climate', 2))])
    const run2 = await createRun(db(), T0)
    // run 2: the entry is only on the untagged latest list (it dropped off the topics' first pages)
    expect(await storeListingPage(deps(db()), page({ ...ids, runId: run2 }, [card], listingTheme(null, 1)))).toMatchObject({ versionsCreated: 0 })
    const versions = await versionsOf(db(), card.key)
    expect(versions.map((v) => [v.themes, v.valid_to_run])).toEqual([
      [['mobility'], ids.runId],
      [['climate', 'mobility'], null],
    ])
  })
})
