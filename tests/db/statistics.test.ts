// The planner's statistics follow the tables' growth: without them (PGlite never analyzes by itself)
// the diff of a first 10,000-entry page read the page's ranges once per entry, minutes of work.
import { sql, type Kysely } from 'kysely'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import type { Database } from '../../db/schema.ts'
import { refreshStaleStatistics } from '../../db/statistics.ts'
import { diffRun } from '../../jobs/diff.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { parsedEntry, seedRunAndListing, storeListingPage, T0 } from './fixtures.ts'

/** The columns of a table the planner has statistics of. */
async function analyzedColumns(db: Kysely<Database>, table: string): Promise<number> {
  const row = await sql<{ n: number }>`select count(*)::int as n from pg_stats where schemaname = current_schema() and tablename = ${table}`.execute(db)
  return row.rows[0]?.n ?? 0
}

async function addEntries(db: Kysely<Database>, from: number, count: number): Promise<void> {
  await sql`insert into entry (entry_key, first_seen_run, last_seen_run) select 'k' || g, 1, 1 from generate_series(${from}::int, ${from + count - 1}::int) g`.execute(db)
}

describe.each(backends)('planner statistics on %s', (backend) => {
  const db = useTestDatabase(backend)

  it('are taken of a table that has grown to twice what they counted, and not again until it doubles', async () => {
    await seedRunAndListing(db())
    await addEntries(db(), 1, 5_000)
    expect(await refreshStaleStatistics(db())).toContain('entry')
    expect(await analyzedColumns(db(), 'entry')).toBeGreaterThan(0)
    await addEntries(db(), 5_001, 1_000)
    expect(await refreshStaleStatistics(db())).not.toContain('entry')
    await addEntries(db(), 6_001, 6_000)
    expect(await refreshStaleStatistics(db())).toContain('entry')
  })

  it('are brought up to date by the diff of a run that filled the tables', async () => {
    const { runId, listingId } = await seedRunAndListing(db())
    const entries = Array.from({ length: 3_000 }, (_, index) => parsedEntry(index + 1))
    await storeListingPage({ db: db(), now: () => T0 }, {
      runId, listingId, pageNumber: 1, canonicalUrl: 'http://www.eurocities.eu/big', fetchedUrl: 'http://127.0.0.1/big', status: 200, contentType: 'text/html',
      headers: {}, body: null, charset: null, durationMs: 1, attempts: 1, outcome: 'fetched', error: null, entries, firstPosition: 1, theme: null, themeSource: 'page',
    })
    expect(await analyzedColumns(db(), 'sighting_range')).toBe(0)
    await sql`update crawl_run set status = 'complete' where id = ${runId}`.execute(db())
    expect((await diffRun({ db: db(), now: () => T0, log: pino({ level: 'silent' }) }, runId)).inserted.new).toBe(3_000)
    for (const table of ['entry', 'entry_version', 'sighting_range']) expect(await analyzedColumns(db(), table)).toBeGreaterThan(0)
  })
})
