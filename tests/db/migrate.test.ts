import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { migrateToLatest } from '../../db/migrate.ts'
import { backends, useTestDatabase } from '../support/databases.ts'

describe.each(backends)('migrations on %s', (backend) => {
  const db = useTestDatabase(backend)

  it('are a no-op when run again', async () => {
    expect(await migrateToLatest(db())).toEqual([])
    expect(await migrateToLatest(db())).toEqual([])
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(db())
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'change_event', 'crawl_run', 'entry', 'entry_version', 'health_event', 'listing', 'listing_crawl', 'page_body', 'page_fetch', 'sighting',
    ])
  })
})
