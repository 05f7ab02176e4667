import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely'
import { UserError } from '../domain/errors.ts'
import * as createSchema from './migrations/2026_11_26_1200_create_schema.ts'
import * as createChangeEvent from './migrations/2026_11_26_1300_create_change_event.ts'
import * as rawPageFetch from './migrations/2026_11_27_0900_raw_page_fetch.ts'
import * as runPrinted from './migrations/2026_11_27_1000_run_printed.ts'
import * as deliveryOutbox from './migrations/2026_11_27_1100_delivery_outbox.ts'
import * as entryUnlisted from './migrations/2026_11_27_1200_entry_unlisted.ts'
import * as incrementalCrawl from './migrations/2026_11_28_0100_incremental_crawl.ts'
import * as sightingRanges from './migrations/2026_11_28_0200_sighting_ranges.ts'
import * as versionOrigin from './migrations/2026_11_28_0300_version_origin.ts'
import * as detailPages from './migrations/2026_11_28_0400_detail_pages.ts'
import * as removalCheck from './migrations/2026_12_06_1200_removal_check.ts'
import * as webAccess from './migrations/2026_12_07_0100_web_access.ts'
import * as readMarks from './migrations/2026_12_07_0200_read_marks.ts'
import * as search from './migrations/2026_12_07_0300_search.ts'
import * as versionUrl from './migrations/2026_12_07_0400_version_url.ts'
import * as detailFetchEntry from './migrations/2026_12_07_0500_detail_fetch_entry.ts'
import * as databaseIdentity from './migrations/2026_12_07_0600_database_identity.ts'
import * as crawlQueue from './migrations/2026_12_07_0900_crawl_queue.ts'
import * as searchFunctionsPlpgsql from './migrations/2026_12_07_1300_search_functions_plpgsql.ts'
import * as pageReading from './migrations/2026_12_07_1700_page_reading.ts'

// Listed by hand, oldest first: the CLI ships as one bundle, where a folder of migration files
// does not exist to be read. tests/db/migrate.test.ts checks that every file is listed.
export const MIGRATIONS: Record<string, Migration> = {
  '2026_11_26_1200_create_schema': createSchema,
  '2026_11_26_1300_create_change_event': createChangeEvent,
  '2026_11_27_0900_raw_page_fetch': rawPageFetch,
  '2026_11_27_1000_run_printed': runPrinted,
  '2026_11_27_1100_delivery_outbox': deliveryOutbox,
  '2026_11_27_1200_entry_unlisted': entryUnlisted,
  '2026_11_28_0100_incremental_crawl': incrementalCrawl,
  '2026_11_28_0200_sighting_ranges': sightingRanges,
  '2026_11_28_0300_version_origin': versionOrigin,
  '2026_11_28_0400_detail_pages': detailPages,
  '2026_12_06_1200_removal_check': removalCheck,
  '2026_12_07_0100_web_access': webAccess,
  '2026_12_07_0200_read_marks': readMarks,
  '2026_12_07_0300_search': search,
  '2026_12_07_0400_version_url': versionUrl,
  '2026_12_07_0500_detail_fetch_entry': detailFetchEntry,
  '2026_12_07_0600_database_identity': databaseIdentity,
  '2026_12_07_0900_crawl_queue': crawlQueue,
  '2026_12_07_1300_search_functions_plpgsql': searchFunctionsPlpgsql,
  '2026_12_07_1700_page_reading': pageReading,
}

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS }
// Branches add migrations side by side: a database may have run a later name before an earlier
// one merged (2026_11_27_1100 before 1000). Each stands alone, so a missing one is applied late.
const migratorOptions = { provider, allowUnorderedMigrations: true }

/** Applies every pending migration; returns the names applied. Throws the migration's own error. */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  // Every verb migrates first: one query when nothing is pending, rather than the Migrator's
  // lock table and introspection (measured: 450 ms of a 1.6 s `report` on PGlite).
  const known = Object.keys(MIGRATIONS)
  const applied = await appliedMigrations(db)
  if (known.every((name) => applied.has(name))) return []
  const result: MigrationResultSet = await new Migrator({ db, ...migratorOptions }).migrateToLatest()
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')
    const cause = result.error instanceof Error ? result.error : new Error(String(result.error))
    if (failed !== undefined) cause.message = `migration ${failed.migrationName} failed: ${cause.message}`
    throw cause
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/**
 * For verbs that only read: a UserError unless every migration is applied. They never migrate
 * (their role may not have the right to, and a reader must not change the schema under a run).
 */
export async function requireCurrentSchema<DB>(db: Kysely<DB>): Promise<void> {
  const applied = await appliedMigrations(db)
  const pending = Object.keys(MIGRATIONS).filter((name) => !applied.has(name))
  if (pending.length === 0) return
  const hint = 'as a role that may create tables; a run or crawl migrates too'
  if (applied.size === 0) throw new UserError('the database has no eurowatch schema yet: run `eurowatch migrate`', hint)
  const missing = `${pending.length} migration${pending.length === 1 ? '' : 's'} not applied (${pending.join(', ')})`
  throw new UserError(`the database schema is out of date, ${missing}: run \`eurowatch migrate\``, hint)
}

/** Migrations the database has run that this eurowatch does not know: it was written by a newer one. */
export async function unknownMigrations<DB>(db: Kysely<DB>): Promise<string[]> {
  return [...(await appliedMigrations(db))].filter((name) => !(name in MIGRATIONS)).sort()
}

/** The names in kysely's migration table; none before the first migration. */
async function appliedMigrations<DB>(db: Kysely<DB>): Promise<Set<string>> {
  const { rows } = await sql<{ exists: boolean }>`select to_regclass('public.kysely_migration') is not null as exists`.execute(db)
  if (!rows[0]?.exists) return new Set()
  const names = await sql<{ name: string }>`select name from kysely_migration`.execute(db)
  return new Set(names.rows.map((row) => row.name))
}

export interface MigrationStatus {
  known: number
  applied: number
  /** Known but not applied yet, oldest first. */
  pending: string[]
}

/** How far the schema is, read without applying anything (`eurowatch doctor` changes nothing). */
export async function migrationStatus<DB>(db: Kysely<DB>): Promise<MigrationStatus> {
  const migrations = await new Migrator({ db, ...migratorOptions }).getMigrations()
  const pending = migrations.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name)
  return { known: migrations.length, applied: migrations.length - pending.length, pending }
}
