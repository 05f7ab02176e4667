// Migrations written on two branches land in name order, but a database may have run the later
// name first (it was on the branch merged first): the missing one is applied, not refused.
import { Migrator, sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS, migrateToLatest } from '../../db/migrate.ts'
import { backends, openEmptyDatabase } from '../support/databases.ts'

// the outbox (1100) merged before the printed runs (1000): a database of that time lacks 1000
const BEFORE_THE_MERGE = ['2026_11_26_1200_create_schema', '2026_11_26_1300_create_change_event', '2026_11_27_0900_raw_page_fetch', '2026_11_27_1100_delivery_outbox']

describe.each(backends)('migrations applied out of name order on %s', { timeout: 120_000 }, (backend) => {
  it('applies a migration named before one already applied', async () => {
    const { db, close } = await openEmptyDatabase(backend)
    try {
      const earlier = Object.fromEntries(BEFORE_THE_MERGE.map((name) => [name, MIGRATIONS[name] as NonNullable<(typeof MIGRATIONS)[string]>]))
      const first = await new Migrator({ db, provider: { getMigrations: async () => earlier } }).migrateToLatest()
      expect(first.error).toBeUndefined()

      const applied = await migrateToLatest(db)
      expect(applied).toEqual(Object.keys(MIGRATIONS).filter((name) => !BEFORE_THE_MERGE.includes(name)))
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from information_schema.columns where table_name = 'crawl_run' and column_name = 'printed_at'`.execute(db)
      expect(rows[0]?.n).toBe(1)
      expect(await migrateToLatest(db)).toEqual([])
    } finally {
      await close()
    }
  })
})
