// Frozen once landed: change the schema with a new migration, never by editing this one.
// Crawl workers (`eurowatch worker`): runs whose listings are jobs on the pg-boss queue, the
// pace and the one active crawl of each host shared by every worker, and the workers seen.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // a queued run is crawled by workers: a lone `run` must not take it for one a killed process left
  await db.schema.alterTable('crawl_run').addColumn('queued', 'boolean', (c) => c.notNull().defaultTo(false)).execute()
  // cut at its page limit: partial for removals, yet complete for the run's status (the worker finishing it judges the run)
  await db.schema.alterTable('listing_crawl').addColumn('limited', 'boolean', (c) => c.notNull().defaultTo(false)).execute()
  await db.schema
    .createTable('crawl_host')
    .addColumn('host', 'text', (c) => c.primaryKey())
    // when the next request to the host may start: each request reserves its slot, perHostDelaySeconds apart
    .addColumn('next_request_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // the worker crawling a listing of the host, until its lease runs out (a killed worker's lapses)
    .addColumn('holder', 'text')
    .addColumn('lease_until', 'timestamptz')
    .execute()
  await db.schema
    .createTable('crawl_worker')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('hostname', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('concurrency', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('jobs_done', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('crawl_worker').execute()
  await db.schema.dropTable('crawl_host').execute()
  await db.schema.alterTable('listing_crawl').dropColumn('limited').execute()
  await db.schema.alterTable('crawl_run').dropColumn('queued').execute()
}
