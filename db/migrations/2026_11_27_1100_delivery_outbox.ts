// Frozen once landed: change the schema with a new migration, never by editing this one.
// The outbox: subscriptions, one delivery per (change event, subscription) written with the
// events, messages (batches of deliveries) sent and retried under a stable key, and the
// operator's open problems. Also marks each listing's first complete crawl as its baseline.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('change_event').addColumn('baseline', 'boolean', (c) => c.notNull().defaultTo(false)).execute()
  // a `new` event is baseline when no listing it was seen on had a complete crawl before its run
  await sql`
    update change_event ce set baseline = true
    where ce.kind = 'new' and not exists (
      select 1 from sighting s
      join listing_crawl lc on lc.listing_id = s.listing_id and lc.run_id < ce.run_id and lc.status = 'complete'
      where s.run_id = ce.run_id and s.entry_id = ce.entry_id
    )`.execute(db)

  await db.schema
    .createTable('subscription')
    .addColumn('name', 'text', (c) => c.primaryKey())
    // the first run whose changes it receives: the next run after it appeared in the configuration
    .addColumn('start_run', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // the digest time of the last message claimed (digests only)
    .addColumn('last_digest_at', 'timestamptz')
    .execute()

  await db.schema
    .createTable('delivery_message')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('subscription', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('changes', 'operator')`))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(sql`status in ('pending', 'sent', 'dead')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_error', 'text')
    // operator messages carry their notices; change messages read their deliveries' events
    .addColumn('notices', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .execute()
  // the sender's question, "the oldest pending messages", answered from a small index
  await db.schema.createIndex('delivery_message_pending').on('delivery_message').columns(['id']).where(sql.ref('status'), '=', 'pending').execute()

  await db.schema
    .createTable('delivery')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('change_event_id', 'integer', (c) => c.notNull().references('change_event.id'))
    .addColumn('subscription', 'text', (c) => c.notNull())
    // null until a message claims it
    .addColumn('message_id', 'integer', (c) => c.references('delivery_message.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('delivery_once', ['change_event_id', 'subscription'])
    .execute()
  await db.schema.createIndex('delivery_unclaimed').on('delivery').columns(['subscription', 'id']).where(sql.ref('message_id'), 'is', null).execute()
  await db.schema.createIndex('delivery_of_message').on('delivery').column('message_id').execute()

  await db.schema
    .createTable('operator_problem')
    .addColumn('problem', 'text', (c) => c.primaryKey())
    .addColumn('listing_id', 'integer', (c) => c.references('listing.id'))
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('first_run', 'integer', (c) => c.notNull())
    .addColumn('last_run', 'integer', (c) => c.notNull())
    .addColumn('occurrences', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    // set when a later run no longer sees it; the row is then told once as resolved and kept
    .addColumn('resolved_at', 'timestamptz')
    .execute()

  await db.schema
    .createTable('scheduler')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('cron', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('next_run_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('scheduler').execute()
  await db.schema.dropTable('operator_problem').execute()
  await db.schema.dropTable('delivery').execute()
  await db.schema.dropTable('delivery_message').execute()
  await db.schema.dropTable('subscription').execute()
  await db.schema.alterTable('change_event').dropColumn('baseline').execute()
}
