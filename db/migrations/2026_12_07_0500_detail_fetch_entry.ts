// Frozen once landed: change the schema with a new migration, never by editing this one.
// The entry page lists the stored pages of an entry's own page: without an index that is a scan
// of every detail fetch.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('detail_fetch_entry_idx').on('detail_fetch').column('entry_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('detail_fetch_entry_idx').execute()
}
