// Frozen once landed: change the schema with a new migration, never by editing this one.
// An entry is found by a URL one of its versions had (the entry page, `history URL`): without an
// index that is a scan of every version.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('entry_version_url_idx').on('entry_version').columns(['url', 'entry_id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('entry_version_url_idx').execute()
}
