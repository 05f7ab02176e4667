// Frozen once landed: change the schema with a new migration, never by editing this one.
// What each viewer of the changes inbox has read: a watermark ("everything up to event N") and,
// above or below it, the events marked one by one. "Mark all read" moves the watermark: one row
// updated, whatever the number of events.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reader')
    // a web user's name, or `local` for the implicit admin of a server without users
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('read_through_event', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createTable('read_mark')
    .addColumn('reader', 'text', (c) => c.notNull().references('reader.name').onDelete('cascade'))
    .addColumn('change_event_id', 'integer', (c) => c.notNull().references('change_event.id').onDelete('cascade'))
    // true: read above the watermark; false: marked unread again below it
    .addColumn('read', 'boolean', (c) => c.notNull())
    .addPrimaryKeyConstraint('read_mark_pkey', ['reader', 'change_event_id'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('read_mark').execute()
  await db.schema.dropTable('reader').execute()
}
