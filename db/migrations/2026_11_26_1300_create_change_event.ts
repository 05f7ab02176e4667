// Frozen once landed: change the schema with a new migration, never by editing this one.
import { sql, type Kysely } from 'kysely'

const changeKind = sql`check (kind in ('new', 'changed', 'removed', 'reappeared', 'moved'))`
const healthProblem = sql`check (problem in ('fetch-failed', 'layout', 'no-entries', 'few-entries', 'missing-field', 'incomplete'))`

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('change_event')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('run_id', 'integer', (c) => c.notNull().references('crawl_run.id'))
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('entry.id'))
    .addColumn('kind', 'text', (c) => c.notNull().modifyEnd(changeKind))
    .addColumn('version_id', 'integer', (c) => c.notNull().references('entry_version.id'))
    .addColumn('previous_version_id', 'integer', (c) => c.references('entry_version.id'))
    .addColumn('listing_id', 'integer', (c) => c.references('listing.id'))
    .addColumn('changes', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // a repeated diff of a run inserts nothing; also "the events of run R"
    .addUniqueConstraint('change_event_run_entry_kind_key', ['run_id', 'entry_id', 'kind'])
    .execute()
  await db.schema.createIndex('change_event_entry_idx').on('change_event').columns(['entry_id', 'run_id']).execute()

  await db.schema
    .createTable('health_event')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('run_id', 'integer', (c) => c.notNull().references('crawl_run.id'))
    .addColumn('listing_id', 'integer', (c) => c.notNull().references('listing.id'))
    .addColumn('page_fetch_id', 'integer', (c) => c.references('page_fetch.id'))
    .addColumn('problem', 'text', (c) => c.notNull().modifyEnd(healthProblem))
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // a listing-level problem has no page: null must still be a duplicate of null
    .addUniqueConstraint('health_event_key', ['run_id', 'listing_id', 'page_fetch_id', 'problem'], (u) => u.nullsNotDistinct())
    .execute()

  await db.schema.alterTable('entry').addColumn('removed_run', 'integer', (c) => c.references('crawl_run.id')).execute()
  // the diff's "entries first seen in run R"
  await db.schema.createIndex('entry_first_seen_run_idx').on('entry').column('first_seen_run').execute()
  // removal candidates: not removed and not seen lately (a small set among many entries)
  await db.schema
    .createIndex('entry_live_last_seen_idx')
    .on('entry')
    .column('last_seen_run')
    .where(sql.ref('removed_at'), 'is', null)
    .execute()
  // reappearance candidates: the removed entries only
  await db.schema.createIndex('entry_removed_idx').on('entry').column('id').where(sql.ref('removed_at'), 'is not', null).execute()
  // versions closed in run R: the "before" side of a change
  await db.schema.createIndex('entry_version_to_run_idx').on('entry_version').column('valid_to_run').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ['entry_version_to_run_idx', 'entry_removed_idx', 'entry_live_last_seen_idx', 'entry_first_seen_run_idx']) {
    await db.schema.dropIndex(index).execute()
  }
  await db.schema.alterTable('entry').dropColumn('removed_run').execute()
  await db.schema.dropTable('health_event').execute()
  await db.schema.dropTable('change_event').execute()
}
