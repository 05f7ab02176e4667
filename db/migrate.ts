import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely'
import * as createSchema from './migrations/2026_11_26_1200_create_schema.ts'
import * as createChangeEvent from './migrations/2026_11_26_1300_create_change_event.ts'

// Listed by hand: the files are .ts run through tsx, so kysely's directory scanning is not used.
const migrations: Record<string, Migration> = {
  '2026_11_26_1200_create_schema': createSchema,
  '2026_11_26_1300_create_change_event': createChangeEvent,
}

const provider: MigrationProvider = { getMigrations: async () => migrations }

/** Applies every pending migration; returns the names applied. Throws the migration's own error. */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  const result: MigrationResultSet = await new Migrator({ db, provider }).migrateToLatest()
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')
    const cause = result.error instanceof Error ? result.error : new Error(String(result.error))
    if (failed !== undefined) cause.message = `migration ${failed.migrationName} failed: ${cause.message}`
    throw cause
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
