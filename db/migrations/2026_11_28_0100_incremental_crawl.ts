// Frozen once landed: change the schema with a new migration, never by editing this one.
// A listing crawl may stop early by design, on a page that brings nothing new: its status is
// 'incremental', never 'complete', so removals and baselines keep reading complete full crawls only.
// The last good fetch of a page URL (its validators, its stored body) is found by an index.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table listing_crawl drop constraint if exists listing_crawl_status_check`.execute(db)
  await sql`alter table listing_crawl add constraint listing_crawl_status_check check (status in ('running', 'complete', 'incremental', 'partial', 'failed'))`.execute(db)
  await db.schema.createIndex('page_fetch_listing_url_idx').on('page_fetch').columns(['listing_id', 'url', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('page_fetch_listing_url_idx').execute()
  await sql`update listing_crawl set status = 'partial' where status = 'incremental'`.execute(db)
  await sql`alter table listing_crawl drop constraint listing_crawl_status_check`.execute(db)
  await sql`alter table listing_crawl add constraint listing_crawl_status_check check (status in ('running', 'complete', 'partial', 'failed'))`.execute(db)
}
