// Frozen once landed: change the schema with a new migration, never by editing this one.
// The database's identity: made once, here, and kept with the data (in a state file too). Message
// keys are derived from it, so that a message built again from the same data (a runner killed
// after sending, before saving its state) carries the key it was first sent under, and two
// databases never share a key.
import { randomUUID } from 'node:crypto'
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('database_identity')
    // one row: the key's primary key is this constant
    .addColumn('one', 'boolean', (c) => c.primaryKey().defaultTo(true).check(sql`one`))
    .addColumn('id', 'text', (c) => c.notNull())
    .execute()
  await db.insertInto('database_identity').values({ id: randomUUID() }).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('database_identity').execute()
}
