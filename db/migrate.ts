import { readdir } from 'node:fs/promises'
import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely'

// Every file of the migrations folder beside this module, in name (= timestamp) order: .ts from
// source, .js once built. Not kysely's FileMigrationProvider: its import() runs inside kysely,
// where the test runner cannot load TypeScript; this one runs here.
const MIGRATIONS = new URL('./migrations/', import.meta.url)
const MIGRATION_FILE = /^(?<name>\d{4}_\d{2}_\d{2}_\d{4}_[a-z0-9_]+)\.(?:ts|js)$/

const provider: MigrationProvider = {
  async getMigrations() {
    const files = (await readdir(MIGRATIONS)).flatMap((file) => {
      const name = MIGRATION_FILE.exec(file)?.groups?.name
      return name ? [{ name, file }] : []
    })
    const loaded = await Promise.all(files.map(async ({ name, file }) => [name, (await import(new URL(file, MIGRATIONS).href)) as Migration] as const))
    return Object.fromEntries(loaded)
  },
}

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

export interface MigrationStatus {
  known: number
  applied: number
  /** Known but not applied yet, oldest first. */
  pending: string[]
}

/** How far the schema is, read without applying anything (`eurowatch doctor` changes nothing). */
export async function migrationStatus<DB>(db: Kysely<DB>): Promise<MigrationStatus> {
  const migrations = await new Migrator({ db, provider }).getMigrations()
  const pending = migrations.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name)
  return { known: migrations.length, applied: migrations.length - pending.length, pending }
}
