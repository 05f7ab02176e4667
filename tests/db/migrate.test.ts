import { readdirSync } from 'node:fs'
import { Migrator, sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { migrateToLatest, MIGRATIONS } from '../../db/migrate.ts'
import { backends, openEmptyDatabase, useTestDatabase } from '../support/databases.ts'

describe.each(backends)('migrations on %s', (backend) => {
  const db = useTestDatabase(backend)

  it('are a no-op when run again', async () => {
    expect(await migrateToLatest(db())).toEqual([])
    expect(await migrateToLatest(db())).toEqual([])
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(db())
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'api_token', 'change_event', 'crawl_host', 'crawl_run', 'crawl_worker', 'database_identity', 'delivery', 'delivery_message', 'detail_fetch', 'entry', 'entry_detail', 'entry_search', 'entry_version', 'feed_probe', 'health_event', 'listing',
      'listing_crawl', 'operator_problem', 'page_body', 'page_fetch', 'page_reading', 'read_mark', 'reader', 'removal_check', 'scheduler', 'sighting', 'sighting_range', 'subscription', 'version_correction',
      'web_session', 'web_user',
    ])
  })
})

describe('the migration list', () => {
  it('names every file of db/migrations, oldest first', () => {
    const files = readdirSync(new URL('../../db/migrations/', import.meta.url)).map((file) => file.replace(/\.ts$/, '')).sort()
    expect(Object.keys(MIGRATIONS)).toEqual(files)
  })
})

describe.each(backends)('the raw page fetch migration on %s', (backend) => {
  it('tells the kind of every earlier fetch from its error, losing nothing', async () => {
    const { db, close } = await openEmptyDatabase(backend)
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } })
      expect((await migrator.migrateTo('2026_11_26_1300_create_change_event')).error).toBeUndefined()
      await sql`insert into crawl_run (started_at, status) values (now(), 'complete')`.execute(db)
      await sql`insert into listing (source_id, profile, url) values ('a', 'eurocities-legacy', 'http://www.eurocities.eu/a')`.execute(db)
      const errors = [null, 'layout: no entries at #content .newsitem', 'health: 2 entries where a page usually has 10', 'HTTP 503']
      for (const [index, error] of errors.entries()) {
        await sql`insert into page_fetch (run_id, listing_id, page_number, url, fetched_url, status, duration_ms, attempts, error, fetched_at)
          values (1, 1, ${index + 1}, 'http://www.eurocities.eu/a', 'http://127.0.0.1/a', 200, 1, 1, ${error}, now())`.execute(db)
      }
      expect((await migrator.migrateToLatest()).error).toBeUndefined()
      const rows = await sql<{ outcome: string; error: string | null; headers: unknown }>`select outcome, error, headers from page_fetch order by page_number`.execute(db)
      expect(rows.rows).toEqual([
        { outcome: 'fetched', error: null, headers: null },
        { outcome: 'layout-error', error: errors[1], headers: null },
        { outcome: 'health-failed', error: errors[2], headers: null },
        { outcome: 'fetch-failed', error: errors[3], headers: null },
      ])
    } finally {
      await close()
    }
  })
})

describe.each(backends)('the run printed migration on %s', (backend) => {
  it('counts runs diffed before it as printed, and leaves the others to the next run', async () => {
    const { db, close } = await openEmptyDatabase(backend)
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } })
      expect((await migrator.migrateTo('2026_11_27_0900_raw_page_fetch')).error).toBeUndefined()
      await sql`insert into crawl_run (started_at, status, diffed_at) values (now(), 'complete', '2026-11-26T12:00:00Z'), (now(), 'complete', null)`.execute(db)
      expect((await migrator.migrateToLatest()).error).toBeUndefined()
      const rows = await sql<{ printed_at: Date | null }>`select printed_at from crawl_run order by id`.execute(db)
      expect(rows.rows.map((row) => row.printed_at?.toISOString() ?? null)).toEqual(['2026-11-26T12:00:00.000Z', null])
    } finally {
      await close()
    }
  })
})
