// Frozen once landed: change the schema with a new migration, never by editing this one.
// Who may use `eurowatch serve`: web users with a role, their API tokens and browser sessions.
// Tokens and session cookies are stored as their SHA-256 only: a copy of the database lets no one in.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('web_user')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('viewer', 'admin')`))
    // scrypt$N$r$p$salt$hash: the parameters travel with the hash, so they can be raised later
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('api_token')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('web_user.id').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('token_sha256', 'text', (c) => c.notNull().unique())
    // the token's first characters, enough to tell tokens apart in a list, too few to guess the rest
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .execute()
  await db.schema.createIndex('api_token_user_idx').on('api_token').column('user_id').execute()

  await db.schema
    .createTable('web_session')
    .addColumn('session_sha256', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('web_user.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('web_session_user_idx').on('web_session').column('user_id').execute()
  await db.schema.createIndex('web_session_expires_idx').on('web_session').column('expires_at').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('web_session').execute()
  await db.schema.dropTable('api_token').execute()
  await db.schema.dropTable('web_user').execute()
}
