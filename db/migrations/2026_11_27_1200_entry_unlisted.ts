// Frozen once landed: change the schema with a new migration, never by editing this one.
// An entry gone from every listing it was on whose own page still answered is not reported removed:
// the run that found it so is kept, and its page is not asked again until a listing shows it again.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('entry').addColumn('unlisted_run', 'integer', (c) => c.references('crawl_run.id')).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('entry').dropColumn('unlisted_run').execute()
}
