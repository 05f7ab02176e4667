// Frozen once landed: change the schema with a new migration, never by editing this one.
// A page fetch keeps what a replay and a re-parse need (its response headers, the charset its
// body was decoded with) and what became of it as a kind, not as a prefix of its error text.
import { sql, type Kysely } from 'kysely'

const pageOutcome = sql`check (outcome in ('fetched', 'fetch-failed', 'layout-error', 'health-failed'))`

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('page_fetch')
    .addColumn('headers', 'jsonb')
    .addColumn('charset', 'text')
    .addColumn('outcome', 'text', (c) => c.modifyEnd(pageOutcome))
    .execute()
  // earlier fetches told their kind by the prefix of their error
  await sql`
    update page_fetch set outcome = case
      when error is null then 'fetched'
      when error like 'layout:%' then 'layout-error'
      when error like 'health:%' then 'health-failed'
      else 'fetch-failed'
    end`.execute(db)
  await db.schema.alterTable('page_fetch').alterColumn('outcome', (c) => c.setNotNull()).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('page_fetch').dropColumn('outcome').dropColumn('charset').dropColumn('headers').execute()
}
