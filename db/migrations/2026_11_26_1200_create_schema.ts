// Frozen once landed: change the schema with a new migration, never by editing this one.
import { sql, type Kysely } from 'kysely'

const runStatus = sql`check (status in ('running', 'complete', 'partial', 'failed'))`

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('crawl_run')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addColumn('status', 'text', (c) => c.notNull().modifyEnd(runStatus))
    .addColumn('pages_fetched', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('entries_seen', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('versions_created', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('diffed_at', 'timestamptz')
    .execute()

  await db.schema
    .createTable('listing')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('source_id', 'text', (c) => c.notNull().unique())
    .addColumn('profile', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('listing_crawl')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('crawl_run.id'))
    .addColumn('listing_id', 'integer', (c) => c.notNull().references('listing.id'))
    .addColumn('status', 'text', (c) => c.notNull().modifyEnd(runStatus))
    .addColumn('pages', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('entries', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reason', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .addPrimaryKeyConstraint('listing_crawl_pkey', ['run_id', 'listing_id'])
    .execute()
  // "the previous complete crawls of this listing", for removals
  await db.schema.createIndex('listing_crawl_listing_run_idx').on('listing_crawl').columns(['listing_id', 'run_id']).execute()

  await db.schema
    .createTable('page_body')
    .addColumn('sha256', 'text', (c) => c.primaryKey().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('compression', 'text', (c) => c.notNull().check(sql`compression in ('br')`))
    .addColumn('body', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('page_fetch')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('run_id', 'integer', (c) => c.notNull().references('crawl_run.id'))
    .addColumn('listing_id', 'integer', (c) => c.notNull().references('listing.id'))
    .addColumn('page_number', 'integer', (c) => c.notNull().check(sql`page_number >= 1`))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('fetched_url', 'text', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('content_type', 'text')
    .addColumn('bytes', 'integer')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('body_sha256', 'text', (c) => c.references('page_body.sha256'))
    .addColumn('error', 'text')
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('page_fetch_run_listing_idx').on('page_fetch').columns(['run_id', 'listing_id', 'page_number']).execute()

  await db.schema
    .createTable('entry')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('entry_key', 'text', (c) => c.notNull().unique())
    .addColumn('first_seen_run', 'integer', (c) => c.notNull().references('crawl_run.id'))
    .addColumn('last_seen_run', 'integer', (c) => c.notNull().references('crawl_run.id'))
    .addColumn('removed_at', 'timestamptz')
    .execute()

  await db.schema
    .createTable('entry_version')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('entry.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('type', 'text')
    .addColumn('date', 'text', (c) => c.check(sql`date ~ '^\\d{4}-\\d{2}-\\d{2}$'`))
    .addColumn('end_date', 'text', (c) => c.check(sql`end_date ~ '^\\d{4}-\\d{2}-\\d{2}$'`))
    .addColumn('themes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('summary', 'text')
    .addColumn('summary_truncated', 'boolean', (c) => c.notNull())
    .addColumn('document_type', 'text')
    .addColumn('valid_from_run', 'integer', (c) => c.notNull().references('crawl_run.id'))
    .addColumn('valid_to_run', 'integer', (c) => c.references('crawl_run.id'))
    .addColumn('valid_from', 'timestamptz', (c) => c.notNull())
    .addColumn('valid_to', 'timestamptz')
    .execute()
  // at most one open version per entry; also the diff's "current version of E"
  await db.schema
    .createIndex('entry_version_open_idx')
    .on('entry_version')
    .column('entry_id')
    .unique()
    .where(sql.ref('valid_to_run'), 'is', null)
    .execute()
  await db.schema.createIndex('entry_version_entry_idx').on('entry_version').columns(['entry_id', 'valid_from_run']).execute()
  await db.schema.createIndex('entry_version_from_run_idx').on('entry_version').column('valid_from_run').execute()

  await db.schema
    .createTable('sighting')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('run_id', 'integer', (c) => c.notNull().references('crawl_run.id'))
    .addColumn('listing_id', 'integer', (c) => c.notNull().references('listing.id'))
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('entry.id'))
    .addColumn('page_fetch_id', 'integer', (c) => c.notNull().references('page_fetch.id'))
    .addColumn('page_number', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull().check(sql`position >= 1`))
    // also serves "sightings of run R" and "of run R on listing L"
    .addUniqueConstraint('sighting_slot_key', ['run_id', 'listing_id', 'page_number', 'position'])
    .execute()
  await db.schema.createIndex('sighting_run_entry_idx').on('sighting').columns(['run_id', 'entry_id']).execute()
  await db.schema.createIndex('sighting_listing_entry_idx').on('sighting').columns(['listing_id', 'entry_id', 'run_id']).execute()
  await db.schema.createIndex('sighting_entry_idx').on('sighting').columns(['entry_id', 'run_id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['sighting', 'entry_version', 'entry', 'page_fetch', 'page_body', 'listing_crawl', 'listing', 'crawl_run']) {
    await db.schema.dropTable(table).execute()
  }
}
