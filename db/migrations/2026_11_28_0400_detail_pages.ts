// Frozen once landed: change the schema with a new migration, never by editing this one.
// Entries' own pages: each fetch of one (its body content-addressed in page_body like any page),
// and what a profile read from it, per entry version. Versions themselves are untouched, so they
// stay comparable with the listing's fields alone. Detail-page faults become health events.
import { sql, type Kysely } from 'kysely'

const detailOutcome = sql`check (outcome in ('read', 'no-block', 'gone', 'failed', 'unasked'))`
const healthProblem = sql`check (problem in ('fetch-failed', 'layout', 'no-entries', 'few-entries', 'missing-field', 'incomplete', 'detail-layout'))`
const healthProblemBefore = sql`check (problem in ('fetch-failed', 'layout', 'no-entries', 'few-entries', 'missing-field', 'incomplete'))`

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('detail_fetch')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('run_id', 'integer', (c) => c.notNull().references('crawl_run.id'))
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('entry.id'))
    .addColumn('version_id', 'integer', (c) => c.notNull().references('entry_version.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('fetched_url', 'text', (c) => c.notNull())
    .addColumn('final_url', 'text')
    .addColumn('status', 'integer')
    .addColumn('content_type', 'text')
    .addColumn('headers', 'jsonb')
    .addColumn('bytes', 'integer')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('body_sha256', 'text', (c) => c.references('page_body.sha256'))
    .addColumn('outcome', 'text', (c) => c.notNull().modifyEnd(detailOutcome))
    .addColumn('error', 'text')
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('detail_fetch_version_idx').on('detail_fetch').columns(['version_id', 'outcome']).execute()
  await db.schema.createIndex('detail_fetch_run_idx').on('detail_fetch').column('run_id').execute()

  await db.schema
    .createTable('entry_detail')
    .addColumn('version_id', 'integer', (c) => c.primaryKey().references('entry_version.id'))
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('entry.id'))
    .addColumn('fetch_id', 'integer', (c) => c.notNull().references('detail_fetch.id'))
    .addColumn('post_id', 'text')
    .addColumn('published', 'text', (c) => c.check(sql`published ~ '^\\d{4}-\\d{2}-\\d{2}$'`))
    .addColumn('document_type', 'text')
    .addColumn('author', 'text')
    .addColumn('contact', 'text')
    .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('files', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('text', 'text')
    .execute()
  await db.schema.createIndex('entry_detail_entry_idx').on('entry_detail').column('entry_id').execute()
  await db.schema.createIndex('entry_detail_post_idx').on('entry_detail').column('post_id').where(sql.ref('post_id'), 'is not', null).execute()

  await sql`alter table health_event drop constraint health_event_problem_check`.execute(db)
  await sql`alter table health_event add constraint health_event_problem_check ${healthProblem}`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from health_event where problem = 'detail-layout'`.execute(db)
  await sql`alter table health_event drop constraint health_event_problem_check`.execute(db)
  await sql`alter table health_event add constraint health_event_problem_check ${healthProblemBefore}`.execute(db)
  await db.schema.dropTable('entry_detail').execute()
  await db.schema.dropTable('detail_fetch').execute()
}
