// `prune --keep-raw-pages` as a job, on both backends: it drops exactly the old bodies nothing
// kept needs (a failed page's, a superseded read's), keeps the bodies versions were read from and
// each page's latest read, changes nothing the second time, and leaves what the archive verbs
// answer as it was (the export leaves out the fetches whose body went).
import type { Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import type { DatabaseTarget } from '../../db/connection.ts'
import { storedFetchesAfter } from '../../db/archive.ts'
import { keepPageReadings } from '../../db/page-readings.ts'
import { createRun } from '../../db/runs.ts'
import type { Database } from '../../db/schema.ts'
import { entryHistory } from '../../db/entry-history.ts'
import { snapshotEntries } from '../../db/snapshot.ts'
import { prunePageBodies } from '../../jobs/prune.ts'
import type { ParsedEntry } from '../../domain/entry.ts'
import type { ListingPageInput } from '../../jobs/store-page.ts'
import { parsedEntry, seedRunAndListing, storeListingPage, T0 } from '../db/fixtures.ts'
import { backends, useTestDatabase } from '../support/databases.ts'

// withRunLock takes no lock on PGlite (the data directory is the lock) and an advisory lock on pg
const target = (backend: string): DatabaseTarget => (backend === 'pglite' ? { kind: 'pglite', dataDir: '/unused' } : { kind: 'postgres', url: 'postgres://unused' })

function page(runId: number, listingId: number, pageNumber: number, html: string, entries: ParsedEntry[] | null, outcome: ListingPageInput['outcome'] = 'fetched'): ListingPageInput {
  return {
    runId, listingId, pageNumber,
    canonicalUrl: `http://www.eurocities.eu/l&newsstart=${pageNumber}`, fetchedUrl: 'http://127.0.0.1/l', status: 200, contentType: 'text/html; charset=utf-8',
    headers: { 'content-type': 'text/html; charset=utf-8' }, body: Buffer.from(html), charset: 'UTF-8', durationMs: 1, attempts: 1, outcome,
    error: outcome === 'fetched' ? null : 'health: 1 entry where a page usually has 2', entries: outcome === 'fetched' ? entries : null,
    firstPosition: pageNumber === 1 ? 1 : 3, theme: null, themeSource: 'page',
  }
}

async function sha(db: Kysely<Database>, html: string): Promise<string> {
  const { createHash } = await import('node:crypto')
  const hash = createHash('sha256').update(html).digest('hex')
  expect(await db.selectFrom('page_body').select('sha256').where('sha256', '=', hash).executeTakeFirst()).toBeDefined()
  return hash
}

describe.each(backends)('prune --keep-raw-pages on %s', (backend) => {
  const db = useTestDatabase(backend)

  it('drops the old bodies nothing kept needs, once, and the archive answers as before', async () => {
    const { runId: run1, listingId } = await seedRunAndListing(db())
    const deps = { db: db(), now: () => T0 }
    const [one, two, three] = [parsedEntry(1), parsedEntry(2), parsedEntry(3)]
    const edited = { ...one, summary: 'An edited summary.' } as ParsedEntry
    // run 1: page 1 read, page 2 unhealthy; run 2: entry 1 edited; run 3 and 4: cosmetic edits only
    await storeListingPage(deps, page(run1, listingId, 1, '<p>v1</p>', [one, two] as ParsedEntry[]))
    await storeListingPage(deps, page(run1, listingId, 2, '<p>unhealthy</p>', null, 'health-failed'))
    const run2 = await createRun(db(), T0)
    await storeListingPage(deps, page(run2, listingId, 1, '<p>v2</p>', [edited, two] as ParsedEntry[]))
    await storeListingPage(deps, page(run2, listingId, 2, '<p>page 2</p>', [three] as ParsedEntry[]))
    const run3 = await createRun(db(), T0)
    await storeListingPage(deps, page(run3, listingId, 1, '<p>v2, cosmetic</p>', [edited, two] as ParsedEntry[]))
    const run4 = await createRun(db(), T0)
    await storeListingPage(deps, page(run4, listingId, 1, '<p>v2, cosmetic again</p>', [edited, two] as ParsedEntry[]))

    const bodies = async () => (await db().selectFrom('page_body').select('sha256').orderBy('sha256').execute()).map((row) => row.sha256)
    const all = await bodies()
    expect(all).toHaveLength(6)
    const gone = [await sha(db(), '<p>unhealthy</p>'), await sha(db(), '<p>v2, cosmetic</p>')].sort()
    const answers = async () => ({
      history: await entryHistory(db(), 'WSPO-000001'),
      snapshot: await snapshotEntries(db(), listingId, run4, new Date('2099-01-01')),
      sightings: await db().selectFrom('sighting').selectAll().orderBy('run_id').orderBy('position').execute(),
    })
    const before = await answers()
    // a reading kept of every body: those of the dropped bodies go with them, the others stay
    await keepPageReadings(db(), all.map((bodySha256) => ({ bodySha256, reader: 'a reader', page: { entries: [], nextPage: null }, charset: 'UTF-8' })))
    const readings = async () => (await db().selectFrom('page_reading').select('body_sha256').orderBy('body_sha256').execute()).map((row) => row.body_sha256)

    // nothing is old enough yet
    expect((await prunePageBodies(db(), target(backend), { cutoff: new Date(Date.now() - 3_600_000), dryRun: false })).bodies).toEqual([])
    const later = new Date(Date.now() + 3_600_000)
    const dry = await prunePageBodies(db(), target(backend), { cutoff: later, dryRun: true })
    expect(dry.bodies.map((body) => body.sha256).sort()).toEqual(gone)
    expect(await bodies()).toEqual(all)

    const pruned = await prunePageBodies(db(), target(backend), { cutoff: later, dryRun: false })
    expect(pruned.bodies.map((body) => body.sha256).sort()).toEqual(gone)
    expect(pruned.bodies.every((body) => body.stored > 0 && body.lastUrl !== null)).toBe(true)
    expect(await bodies()).toEqual(all.filter((hash) => !gone.includes(hash)))
    expect(await readings()).toEqual(await bodies())
    expect((await prunePageBodies(db(), target(backend), { cutoff: later, dryRun: false })).bodies).toEqual([])
    expect(await bodies()).toEqual(all.filter((hash) => !gone.includes(hash)))

    expect(await answers()).toEqual(before)
    const exported = await storedFetchesAfter(db(), { since: null, until: null, listingId: null }, 0, 100)
    expect(exported).toHaveLength(4)
    expect(exported.some((fetch) => fetch.sha256 !== null && gone.includes(fetch.sha256))).toBe(false)
    expect(await db().selectFrom('page_fetch').select('id').execute()).toHaveLength(6)
  })
})
