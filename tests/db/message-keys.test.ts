// Message keys are derived, not random: the same data gives the same key (a message built again
// after a state file was reloaded), another database or another message gets another one.
import { sql, type Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import { migrateToLatest } from '../../db/migrate.ts'
import { addSubscriptions, claimDeliveries, insertDeliveries } from '../../db/outbox.ts'
import type { Database } from '../../db/schema.ts'
import { backends, openEmptyDatabase } from '../support/databases.ts'
import { seedRunAndListing, T0 } from './fixtures.ts'

/** One change event (entry `key` changed its title) delivered to `all`; returns the new messages' keys. */
async function changeDelivered(db: Kysely<Database>, key: string): Promise<string[]> {
  const { runId, listingId } = await seedRunAndListing(db)
  const { rows: [entry] } = await sql<{ id: number }>`insert into entry (entry_key, first_seen_run, last_seen_run) values (${key}, ${runId}, ${runId})
    on conflict (entry_key) do update set last_seen_run = excluded.last_seen_run returning id`.execute(db)
  // one open version an entry: the one before the change is closed
  const version = async (title: string, closed: boolean) => {
    const { rows: [row] } = await sql<{ id: number }>`
      insert into entry_version (entry_id, url, title, type, date, end_date, themes, summary, summary_truncated, document_type, valid_from_run, valid_to_run, valid_from, valid_to)
      values (${entry?.id}, ${`http://example.org/${key}`}, ${title}, 'news', '2026-11-26', null, ${['culture']}::text[], null, false, null, ${runId}, ${closed ? runId : null}, ${T0}, ${closed ? T0 : null})
      returning id`.execute(db)
    return row?.id as number
  }
  await sql`update entry_version set valid_to_run = ${runId}, valid_to = ${T0} where entry_id = ${entry?.id} and valid_to_run is null`.execute(db)
  const before = await version('Old title', true)
  const after = await version('New title', false)
  const { rows: [event] } = await sql<{ id: number }>`
    insert into change_event (run_id, entry_id, kind, version_id, previous_version_id, listing_id, changes)
    values (${runId}, ${entry?.id}, 'changed', ${after}, ${before}, ${listingId}, ${JSON.stringify([{ field: 'title', from: 'Old title', to: 'New title' }])}::jsonb)
    returning id`.execute(db)
  await insertDeliveries(db, [{ eventId: event?.id as number, subscription: 'all' }], T0)
  const known = new Set((await db.selectFrom('delivery_message').select('key').execute()).map((row) => row.key))
  await claimDeliveries(db, 'all', 1, T0)
  return (await db.selectFrom('delivery_message').select('key').orderBy('id').execute()).map((row) => row.key).filter((k) => !known.has(k))
}

describe.each(backends)('message keys on %s', { timeout: 240_000 }, (backend) => {
  it('are the same for the same message of the same database, and differ between databases and between messages', async () => {
    const [first, second] = await Promise.all([openEmptyDatabase(backend), openEmptyDatabase(backend)])
    try {
      for (const { db } of [first, second]) {
        await migrateToLatest(db)
        await addSubscriptions(db, ['all'], T0)
      }
      const [a] = await changeDelivered(first.db, 'WSPO-000001')
      const [b] = await changeDelivered(second.db, 'WSPO-000001')
      expect(a).toMatch(/^eurowatch-all-[0-9a-f]{32}$/)
      // the same change in another database: another key
      expect(b).not.toBe(a)
      // built again from the same data (what a reloaded state file does): the same key
      const { id } = await first.db.selectFrom('database_identity').select('id').executeTakeFirstOrThrow()
      await sql`update delivery set message_id = null`.execute(second.db)
      await sql`delete from delivery_message`.execute(second.db)
      await sql`update database_identity set id = ${id}`.execute(second.db)
      await claimDeliveries(second.db, 'all', 1, T0)
      expect((await second.db.selectFrom('delivery_message').select('key').execute()).map((row) => row.key)).toEqual([a])
      // the same change again later, in the same database: a message of its own, with its own key
      const [again] = await changeDelivered(first.db, 'WSPO-000001')
      expect(again).not.toBe(a)
    } finally {
      await Promise.all([first.close(), second.close()])
    }
  })
})
