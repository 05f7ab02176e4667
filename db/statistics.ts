// The planner's statistics of our tables, kept up with how they grow. PGlite has no autovacuum, so
// a table it never analyzed has none: the planner then guesses every condition selective and reads
// the ranges of a whole page for each of its entries (the diff of a first 10,000-entry page: 10,000 x
// 10,000 rows). PostgreSQL's autovacuum analyzes only after a delay, when a run's diff has long run.
import { sql, type Kysely } from 'kysely'
import type { Database } from './schema.ts'

/** Below this many 8 kB pages a table is read whole in no time, whatever the plan. */
const MIN_PAGES = 16

/**
 * Analyzes each table of the schema that has at least twice as many pages as its statistics counted
 * (none: never analyzed), so a database is analyzed a few times as it grows, not after every run.
 * Returns the tables analyzed.
 */
export async function refreshStaleStatistics(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ table: string }>`
    select c.relname as table
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind = 'r'
      and pg_relation_size(c.oid) / current_setting('block_size')::int >= greatest(${MIN_PAGES}, 2 * c.relpages)
    order by c.relname`.execute(db)
  for (const { table } of rows) await sql`analyze ${sql.table(table)}`.execute(db)
  return rows.map((row) => row.table)
}
