// Frozen once landed: change the schema with a new migration, never by editing this one.
// The answers of entries' own pages asked before a removal (a 301 to the new slug, a 404, a 200):
// kept, as an archivist's most telling records of a page's end, and exported as WARC. The page is
// asked without its body, so none is stored.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('removal_check')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('run_id', 'integer', (c) => c.notNull().references('crawl_run.id'))
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('entry.id'))
    .addColumn('listing_id', 'integer', (c) => c.notNull().references('listing.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('fetched_url', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('headers', 'jsonb', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('removal_check_run_idx').on('removal_check').column('run_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('removal_check').execute()
}
