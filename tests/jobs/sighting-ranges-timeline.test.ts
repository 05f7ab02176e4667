// Sightings as ranges give the same answers as the per-run rows they replace, on the legacy
// replica's timeline (new entries, edits, a retitle, a removal; a partial crawl; a run that
// crawls only some listings), on both backends. Two databases run the same timeline with the
// same clock: one straight through, one turned back to the per-run rows half way (the
// migration's down, which writes the rows the view reads) and migrated again, as a database
// whose first runs were stored before the migration. Reports (text, markdown, JSON), every
// entry's history (text and JSON, now and as of three runs), every listing's snapshot as of each
// run, the export, the status, the health check's baselines, the diff's queries and the
// sightings themselves must be byte for byte the same, and the same before and after the
// round trip. That the view reads what the per-run table held is tests/db/sighting-ranges.test.ts.
import { Migrator, type Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import { findVersionPairs, removalCandidates } from '../../db/changes.ts'
import { entryHistory } from '../../db/entry-history.ts'
import { listingBaselines } from '../../db/listing-baselines.ts'
import { migrateToLatest, MIGRATIONS } from '../../db/migrate.ts'
import type { Database } from '../../db/schema.ts'
import type { CrawlSource } from '../../jobs/crawl.ts'
import { exportedEntries } from '../../jobs/export.ts'
import { loadReport } from '../../jobs/report.ts'
import { runPipeline } from '../../jobs/run.ts'
import { loadSnapshot } from '../../jobs/snapshot.ts'
import { loadStatus } from '../../jobs/status.ts'
import { eurocitiesLegacy } from '../../parsers/eurocities-legacy.ts'
import { legacySources } from '../../src/config/defaults.ts'
import { entryJsonLine } from '../../src/reports/export-entries.ts'
import { renderHistoryJson, renderHistoryText } from '../../src/reports/history.ts'
import { renderReport } from '../../src/reports/render.ts'
import { renderSnapshot } from '../../src/reports/render-snapshot.ts'
import { renderStatusJson } from '../../src/reports/status.ts'
import { backends, openTestDatabase, type TestDatabase } from '../support/databases.ts'
import { replicaCrawlSettings, silentLog, useReplica } from '../support/replica.ts'

const SOURCES: CrawlSource[] = legacySources.map((s) => ({ name: s.name, profile: eurocitiesLegacy, url: s.url, maxPages: 200, render: 'http', theme: null }))
const T0 = Date.UTC(2026, 10, 1, 8)
const HOUR = 3_600_000

/** The runs: the replica's step, the listings crawled, a page that fails. */
const RUNS: { step: number; listings?: string[]; failing?: string }[] = [
  { step: 0 },
  { step: 0 },
  { step: 1, failing: '/issues/social-innovation-issue&newsstart=21' },
  { step: 1, listings: ['social-innovation', 'innovation'] },
  { step: 2 },
  { step: 3 },
  { step: 4 },
  { step: 4, listings: ['social-innovation'] },
  { step: 4 },
]
/** After this many runs, the second database goes back to per-run rows and is migrated again. */
const HALF_WAY = 4

async function answers(db: Kysely<Database>): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const now = () => new Date(T0 + 100 * HOUR)
  const runs = (await db.selectFrom('crawl_run').select('id').orderBy('id').execute()).map((row) => row.id)
  const listings = await db.selectFrom('listing').select(['id', 'source_id']).orderBy('id').execute()
  for (const run of [...runs.map((id) => [id]), runs]) {
    const { report } = await loadReport({ db, now }, { runIds: run })
    for (const format of ['text', 'markdown', 'json'] as const) out[`report ${run.join(',')} ${format}`] = await renderReport(report, format, { color: false })
  }
  for (const run of runs) {
    out[`baselines ${run}`] = JSON.stringify([...(await listingBaselines(db, listings.map((l) => l.id), run))])
    out[`removal candidates ${run}`] = JSON.stringify(await removalCandidates(db, run, 2))
    out[`version pairs ${run}`] = JSON.stringify(await findVersionPairs(db, run))
  }
  const moments = runs.map((id) => new Date(T0 + id * HOUR + HOUR / 2))
  for (const { entry_key: key } of await db.selectFrom('entry').select('entry_key').orderBy('entry_key').execute()) {
    // now, and as of three runs (every run's moment for the snapshots below)
    for (const asOf of [null, ...moments.filter((_, index) => index % 3 === 2)]) {
      const history = await entryHistory(db, key, asOf)
      out[`history ${key} ${asOf?.toISOString() ?? 'now'}`] = history === null ? 'none' : renderHistoryText(history, { color: false }) + renderHistoryJson(history)
    }
  }
  for (const { source_id: listing } of listings) {
    for (const asOf of moments) {
      const result = await loadSnapshot(db, { listing, asOf, asOfText: asOf.toISOString() })
      out[`snapshot ${listing} ${asOf.toISOString()}`] = result.kind === 'snapshot' ? renderSnapshot(result.snapshot, 'json') + renderSnapshot(result.snapshot, 'text') : JSON.stringify(result)
    }
  }
  // the export is in the order entries were first stored, which the crawl's pace decides: compared as a set of lines
  const lines: string[] = []
  for await (const entry of exportedEntries(db, { since: null, until: null, listingId: null })) lines.push(entryJsonLine(entry))
  out.export = lines.sort().join('')
  out.status = renderStatusJson(await loadStatus(db, { awaitingLimit: 1000, now: new Date() }))
  out.sightings = JSON.stringify(
    await db
      .selectFrom('sighting as s')
      .innerJoin('entry as e', 'e.id', 's.entry_id')
      .innerJoin('page_fetch as f', 'f.id', 's.page_fetch_id')
      .select(['s.run_id', 's.listing_id', 'e.entry_key', 's.page_number', 's.position', 'f.run_id as fetch_run', 'f.page_number as fetch_page', 'f.outcome'])
      .orderBy('s.run_id').orderBy('s.listing_id').orderBy('s.page_number').orderBy('s.position')
      .execute(),
  )
  return out
}

describe.each(backends)('sighting ranges over the replica timeline on %s', (backend) => {
  const replica = useReplica()

  it('answer byte for byte as the per-run rows, for data stored before the migration and after', async () => {
    const straight: TestDatabase = await openTestDatabase(backend)
    const migrated: TestDatabase = await openTestDatabase(backend)
    try {
      let clock = new Date(T0)
      const settings = replicaCrawlSettings(replica(), { maxConcurrency: 1 })
      for (const [index, run] of RUNS.entries()) {
        replica().setStep(run.step)
        replica().setFaults(run.failing === undefined ? [] : [{ kind: 'status', status: 503, match: run.failing }])
        clock = new Date(T0 + (index + 1) * HOUR)
        const sources = SOURCES.filter((source) => run.listings === undefined || run.listings.includes(source.name))
        for (const { db } of [straight, migrated]) {
          await runPipeline({ db, now: () => clock, log: silentLog }, sources, settings, { removeAfter: 2 })
        }
        if (index + 1 === HALF_WAY) {
          const before = await answers(migrated.db)
          const migrator = new Migrator({ db: migrated.db, provider: { getMigrations: async () => MIGRATIONS }, allowUnorderedMigrations: true })
          // back to per-run rows, through the migrations that came after ranges
          const down = await migrator.migrateTo('2026_11_28_0100_incremental_crawl')
          expect(down.error).toBeUndefined()
          const undone = Object.keys(MIGRATIONS).filter((name) => name > '2026_11_28_0100_incremental_crawl').reverse()
          expect(undone.slice(-3)).toEqual(['2026_11_28_0400_detail_pages', '2026_11_28_0300_version_origin', '2026_11_28_0200_sighting_ranges'])
          expect(down.results?.map((result) => result.migrationName)).toEqual(undone)
          expect(await migrateToLatest(migrated.db)).toEqual([...undone].reverse())
          expect(await answers(migrated.db)).toEqual(before)
        }
      }
      replica().setFaults([])
      const [a, b] = [await answers(straight.db), await answers(migrated.db)]
      expect(Object.keys(b)).toEqual(Object.keys(a))
      for (const key of Object.keys(a)) expect((b[key] ?? '').split('\n'), key).toEqual((a[key] ?? '').split('\n'))
      // the timeline did happen: changes of every kind, a partial crawl, a removal
      const kinds = await straight.db.selectFrom('change_event').select('kind').distinct().orderBy('kind').execute()
      expect(kinds.map((row) => row.kind)).toEqual(['changed', 'moved', 'new', 'removed'])
      expect(await straight.db.selectFrom('listing_crawl').select('run_id').where('status', '=', 'partial').execute()).toHaveLength(1)
    } finally {
      await straight.close()
      await migrated.close()
    }
  }, 600_000)
})
