// Frozen once landed: change the schema with a new migration, never by editing this one.
// A listing crawl may stop early by design, on a page that brings nothing new: its status is
// 'incremental', never 'complete', so removals and baselines keep reading complete full crawls only.
// The last good fetch of a page URL (its validators, its stored body) is found by an index. A site's
// feed, the probe asked before paging, is kept as its validators and body hash (not a listing page).
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table listing_crawl drop constraint if exists listing_crawl_status_check`.execute(db)
  await sql`alter table listing_crawl add constraint listing_crawl_status_check check (status in ('running', 'complete', 'incremental', 'partial', 'failed'))`.execute(db)
  await db.schema.createIndex('page_fetch_listing_url_idx').on('page_fetch').columns(['listing_id', 'url', 'id']).execute()
  await db.schema
    .createTable('feed_probe')
    .addColumn('url', 'text', (c) => c.primaryKey())
    .addColumn('headers', 'jsonb', (c) => c.notNull())
    .addColumn('body_sha256', 'text', (c) => c.notNull())
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('feed_probe').execute()
  await db.schema.dropIndex('page_fetch_listing_url_idx').execute()
  await sql`update listing_crawl set status = 'partial' where status = 'incremental'`.execute(db)
  await sql`alter table listing_crawl drop constraint listing_crawl_status_check`.execute(db)
  await sql`alter table listing_crawl add constraint listing_crawl_status_check check (status in ('running', 'complete', 'partial', 'failed'))`.execute(db)
}
