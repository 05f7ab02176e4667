// Frozen once landed: change the schema with a new migration, never by editing this one.
// When `eurowatch run` printed a run's changes: set once its output was flushed, so a run killed
// between its diff and its report leaves changes that the next `run` prints.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('crawl_run').addColumn('printed_at', 'timestamptz').execute()
  // runs diffed before this column existed were reported by the run that diffed them
  await sql`update crawl_run set printed_at = diffed_at where diffed_at is not null`.execute(db)
  // the few runs not printed yet, among many
  await db.schema.createIndex('crawl_run_unprinted_idx').on('crawl_run').column('id').where(sql.ref('printed_at'), 'is', null).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('crawl_run_unprinted_idx').execute()
  await db.schema.alterTable('crawl_run').dropColumn('printed_at').execute()
}
