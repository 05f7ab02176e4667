// Frozen once landed: change the schema with a new migration, never by editing this one.
// Versions say where their fields come from: a crawl, a re-parse of stored pages with a fixed
// profile (a correction, whose recorded fields are kept in version_correction), or a backfill
// from a web archive. Runs say whether they crawled the site or reassembled it from captures.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('entry_version')
    .addColumn('origin', 'text', (c) => c.notNull().defaultTo('crawl').modifyEnd(sql`check (origin in ('crawl', 'reparse', 'backfill'))`))
    .addColumn('corrected_at', 'timestamptz')
    .execute()
  await db.schema
    .createTable('version_correction')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('version_id', 'integer', (c) => c.notNull().references('entry_version.id'))
    .addColumn('corrected_at', 'timestamptz', (c) => c.notNull())
    // the version as recorded before the correction: its fields and its validity
    .addColumn('before', 'jsonb', (c) => c.notNull())
    .addColumn('after', 'jsonb', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('version_correction_version').on('version_correction').column('version_id').execute()
  await db.schema
    .alterTable('crawl_run')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('crawl').modifyEnd(sql`check (kind in ('crawl', 'backfill'))`))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('crawl_run').dropColumn('kind').execute()
  await db.schema.dropTable('version_correction').execute()
  await db.schema.alterTable('entry_version').dropColumn('corrected_at').dropColumn('origin').execute()
}
