// Sightings stored as ranges read back, through the view `sighting`, exactly as the rows the
// per-run table held: checked against a model of that table (one row per slot a run, the first
// read of a slot in the run wins) over random runs with changes, moves, partial crawls, failed
// and repeated page reads, on both backends. And the migration turns old rows into ranges
// losing nothing.
import { Migrator, sql, type Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import { recordPageSightings } from '../../db/entries.ts'
import { MIGRATIONS } from '../../db/migrate.ts'
import { recordPageFetches } from '../../db/pages.ts'
import { createRun } from '../../db/runs.ts'
import type { Database } from '../../db/schema.ts'
import type { PageOutcomeKind } from '../../domain/page-outcome.ts'
import { backends, openEmptyDatabase, useTestDatabase } from '../support/databases.ts'
import { seededRandom } from '../support/seeded-random.ts'

type Row = { run_id: number; listing_id: number; entry_id: number; page_fetch_id: number; page_number: number; position: number }

const byRow = (a: Row, b: Row) => a.run_id - b.run_id || a.listing_id - b.listing_id || a.page_number - b.page_number || a.position - b.position

async function fetchOf(db: Kysely<Database>, runId: number, listingId: number, pageNumber: number, outcome: PageOutcomeKind): Promise<number> {
  const [id] = await recordPageFetches(db, [
    { runId, listingId, pageNumber, url: `http://www.eurocities.eu/l${listingId}/${pageNumber}`, fetchedUrl: 'http://127.0.0.1/', status: outcome === 'fetch-failed' ? 503 : 200,
      contentType: 'text/html', headers: {}, charset: 'utf-8', outcome, bytes: 1, durationMs: 1, attempts: 1, bodySha256: null, error: outcome === 'fetched' ? null : 'failed', fetchedAt: new Date() },
  ])
  return id as number
}

/** The listing's entries as ids, 4 a page: what a run's crawl sees, changed a little each run. */
function evolve(next: () => number, entries: number[], newId: () => number): number[] {
  const out = [...entries]
  const pick = () => Math.floor(next() * out.length)
  if (next() < 0.3) out.unshift(newId())
  if (next() < 0.2 && out.length > 2) out.splice(pick(), 1)
  if (next() < 0.2 && out.length > 2) {
    const [moved] = out.splice(pick(), 1)
    out.splice(pick(), 0, moved as number)
  }
  if (next() < 0.1 && out.length > 0) out.splice(pick(), 0, out[pick()] as number) // listed twice
  return out
}

describe.each(backends)('sighting ranges on %s', (backend) => {
  const db = useTestDatabase(backend)

  it('read back as the per-run rows over 40 random runs of two listings', async () => {
    const next = seededRandom(20261128)
    await sql`insert into listing (source_id, profile, url) values ('a', 'eurocities-legacy', 'http://a'), ('b', 'eurocities-legacy', 'http://b')`.execute(db())
    let entryCount = 0
    const newId = () => ++entryCount
    const lists = new Map([[1, Array.from({ length: 10 }, newId)], [2, Array.from({ length: 7 }, newId)]])
    await createRun(db(), new Date()) // run 1 crawls nothing
    await sql`insert into entry (entry_key, first_seen_run, last_seen_run) select 'E' || g, 1, 1 from generate_series(1, 400) g`.execute(db())
    const model: Row[] = []
    for (let run = 2; run <= 41; run++) {
      const runId = await createRun(db(), new Date())
      for (const listingId of [1, 2]) {
        if (next() < 0.15) continue // the run does not crawl this listing
        const entries = evolve(next, lists.get(listingId) ?? [], newId)
        lists.set(listingId, entries)
        const pages = Math.ceil(entries.length / 4) + 1 // and an empty last page
        const reached = next() < 0.2 ? 1 + Math.floor(next() * pages) : pages // a partial crawl stops early
        const slots = new Set<string>()
        for (let pageNumber = 1; pageNumber <= reached; pageNumber++) {
          const onPage = entries.slice((pageNumber - 1) * 4, pageNumber * 4).map((entryId, offset) => ({ entryId, position: (pageNumber - 1) * 4 + offset + 1 }))
          const reads = next() < 0.1 ? 2 : 1
          for (let read = 0; read < reads; read++) {
            const outcome: PageOutcomeKind = next() < 0.1 ? (next() < 0.5 ? 'fetch-failed' : 'health-failed') : 'fetched'
            const pageFetchId = await fetchOf(db(), runId, listingId, pageNumber, outcome)
            if (outcome !== 'fetched') continue
            // a second read may show the page shorter or changed
            const shown = read === 0 ? onPage : onPage.slice(0, Math.floor(next() * (onPage.length + 1))).map((s) => (next() < 0.5 ? { ...s, entryId: newId() } : s))
            await recordPageSightings(db(), [{ runId, listingId, pageNumber, pageFetchId, sightings: shown }])
            for (const { entryId, position } of shown) {
              const slot = `${pageNumber}:${position}`
              if (slots.has(slot)) continue
              slots.add(slot)
              model.push({ run_id: runId, listing_id: listingId, entry_id: entryId, page_fetch_id: pageFetchId, page_number: pageNumber, position })
            }
          }
        }
      }
    }
    const stored = await db().selectFrom('sighting').select(['run_id', 'listing_id', 'entry_id', 'page_fetch_id', 'page_number', 'position']).execute()
    expect(stored.sort(byRow)).toEqual(model.sort(byRow))
    const ranges = await db().selectFrom('sighting_range').select('id').execute()
    expect(ranges.length).toBeLessThan(model.length / 2)
  })

  it('a run that reads a page unchanged writes no sighting row, and a changed slot ends its range', async () => {
    await sql`insert into listing (source_id, profile, url) values ('a', 'eurocities-legacy', 'http://a')`.execute(db())
    await createRun(db(), new Date()) // run 1 crawls nothing
    await sql`insert into entry (entry_key, first_seen_run, last_seen_run) select 'E' || g, 1, 1 from generate_series(1, 3) g`.execute(db())
    const read = async (entries: number[]) => {
      const runId = await createRun(db(), new Date())
      const pageFetchId = await fetchOf(db(), runId, 1, 1, 'fetched')
      return recordPageSightings(db(), [{ runId, listingId: 1, pageNumber: 1, pageFetchId, sightings: entries.map((entryId, index) => ({ entryId, position: index + 1 })) }])
    }
    expect(await read([1, 2])).toEqual([2])
    expect(await read([1, 2])).toEqual([2])
    const ranges = () => db().selectFrom('sighting_range').select(['entry_id', 'position', 'first_run', 'end_run']).orderBy('id').execute()
    expect(await ranges()).toEqual([
      { entry_id: 1, position: 1, first_run: 2, end_run: null },
      { entry_id: 2, position: 2, first_run: 2, end_run: null },
    ])
    expect(await read([3, 1])).toEqual([2])
    expect(await ranges()).toEqual([
      { entry_id: 1, position: 1, first_run: 2, end_run: 4 },
      { entry_id: 2, position: 2, first_run: 2, end_run: 4 },
      { entry_id: 3, position: 1, first_run: 4, end_run: null },
      { entry_id: 1, position: 2, first_run: 4, end_run: null },
    ])
  })
})

describe.each(backends)('the sighting ranges migration on %s', (backend) => {
  it('turns the per-run rows into ranges that read back as they were, losing nothing', async () => {
    const { db, close } = await openEmptyDatabase(backend)
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } })
      expect((await migrator.migrateTo('2026_11_27_1200_entry_unlisted')).error).toBeUndefined()
      await sql`insert into crawl_run (started_at, status) select now(), 'complete' from generate_series(1, 6)`.execute(db)
      await sql`insert into listing (source_id, profile, url) values ('a', 'eurocities-legacy', 'http://a'), ('b', 'eurocities-legacy', 'http://b')`.execute(db)
      await sql`insert into entry (entry_key, first_seen_run, last_seen_run) select 'E' || g, 1, 6 from generate_series(1, 5) g`.execute(db)
      // listing a, 2 pages: run 3 fails page 2, run 4 does not crawl a, run 5 reads page 1 twice
      const fetches: [number, number, number, string | null][] = [
        [1, 1, 1, null], [1, 1, 2, null], [2, 1, 1, null], [2, 1, 2, null], [3, 1, 1, null], [3, 1, 2, 'HTTP 503'],
        [5, 1, 1, null], [5, 1, 1, null], [5, 1, 2, null], [6, 1, 1, 'health: 1 entry where a page usually has 2'], [6, 1, 2, null],
        [1, 2, 1, null], [4, 2, 1, null], [6, 2, 1, null],
      ]
      for (const [run, listing, page, error] of fetches) {
        const outcome = error === null ? 'fetched' : error.startsWith('health:') ? 'health-failed' : 'fetch-failed'
        await sql`insert into page_fetch (run_id, listing_id, page_number, url, fetched_url, status, duration_ms, attempts, error, outcome, fetched_at)
          values (${run}, ${listing}, ${page}, 'http://x', 'http://127.0.0.1/', 200, 1, 1, ${error}, ${outcome}, now())`.execute(db)
      }
      const fetchId = async (run: number, listing: number, page: number, nth = 0) =>
        (await sql<{ id: number }>`select id from page_fetch where run_id = ${run} and listing_id = ${listing} and page_number = ${page} order by id`.execute(db)).rows[nth]?.id
      // [run, listing, entry, page, position, which read of the run]
      const rows: [number, number, number, number, number, number][] = [
        [1, 1, 1, 1, 1, 0], [1, 1, 2, 1, 2, 0], [1, 1, 3, 2, 3, 0],
        [2, 1, 1, 1, 1, 0], [2, 1, 2, 1, 2, 0], [2, 1, 3, 2, 3, 0],
        [3, 1, 2, 1, 1, 0], [3, 1, 1, 1, 2, 0],
        [5, 1, 2, 1, 1, 0], [5, 1, 4, 1, 2, 1], [5, 1, 3, 2, 3, 0],
        [6, 1, 3, 2, 3, 0],
        [1, 2, 5, 1, 1, 0], [4, 2, 5, 1, 1, 0], [6, 2, 1, 1, 1, 0], [6, 2, 5, 1, 2, 0],
      ]
      for (const [run, listing, entry, page, position, nth] of rows) {
        await sql`insert into sighting (run_id, listing_id, entry_id, page_fetch_id, page_number, position)
          values (${run}, ${listing}, ${entry}, ${await fetchId(run, listing, page, nth)}, ${page}, ${position})`.execute(db)
      }
      const columns = sql`run_id, listing_id, entry_id, page_fetch_id, page_number, position`
      const before = (await sql<Row>`select ${columns} from sighting order by run_id, listing_id, page_number, position`.execute(db)).rows
      expect(before).toHaveLength(rows.length)

      expect((await migrator.migrateToLatest()).error).toBeUndefined()
      expect((await sql<Row>`select ${columns} from sighting order by run_id, listing_id, page_number, position`.execute(db)).rows).toEqual(before)
      const ranges = await sql<{ n: number }>`select count(*)::int as n from sighting_range`.execute(db)
      expect(ranges.rows[0]?.n).toBe(9)
    } finally {
      await close()
    }
  })

  it('refuses to drop rows it could not read back', async () => {
    const { db, close } = await openEmptyDatabase(backend)
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } })
      expect((await migrator.migrateTo('2026_11_27_1200_entry_unlisted')).error).toBeUndefined()
      await sql`insert into crawl_run (started_at, status) values (now(), 'complete')`.execute(db)
      await sql`insert into listing (source_id, profile, url) values ('a', 'eurocities-legacy', 'http://a')`.execute(db)
      await sql`insert into entry (entry_key, first_seen_run, last_seen_run) values ('E1', 1, 1)`.execute(db)
      // a sighting on a page whose fetch failed: not a read, so a range could not say it was sighted
      await sql`insert into page_fetch (run_id, listing_id, page_number, url, fetched_url, status, duration_ms, attempts, error, outcome, fetched_at)
        values (1, 1, 1, 'http://x', 'http://127.0.0.1/', 503, 1, 1, 'HTTP 503', 'fetch-failed', now())`.execute(db)
      await sql`insert into sighting (run_id, listing_id, entry_id, page_fetch_id, page_number, position) values (1, 1, 1, 1, 1, 1)`.execute(db)
      const result = await migrator.migrateToLatest()
      expect(String(result.error)).toMatch(/would not read back as stored \(1 missing, 0 extra\)/)
      const still = await sql<{ n: number }>`select count(*)::int as n from sighting`.execute(db)
      expect(still.rows[0]?.n).toBe(1)
    } finally {
      await close()
    }
  })
})
