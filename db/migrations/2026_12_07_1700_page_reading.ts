// Frozen once landed: change the schema with a new migration, never by editing this one.
// What the parser read from a stored body: kept for the first pages of each listing, the ones an
// unchanged incremental run gets answered 304 for. Reading that body again (decode, parse) would
// give the same page as long as the code that reads it is the same, which `reader` names; the
// reading goes with its body when a prune drops it.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('page_reading')
    .addColumn('body_sha256', 'text', (c) => c.notNull().references('page_body.sha256').onDelete('cascade'))
    .addColumn('reader', 'text', (c) => c.notNull())
    .addColumn('page', 'jsonb', (c) => c.notNull())
    .addColumn('charset', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('page_reading_pkey', ['body_sha256', 'reader'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('page_reading').execute()
}
