// The database a CLI test's processes share, on either backend: PGlite in the working directory
// (the CLI's default), or a fresh database of this run's PostgreSQL server named by DATABASE_URL.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import { closeDatabase, openDatabase } from '../../../db/connection.ts'
import type { Database } from '../../../db/schema.ts'
import { admin, postgresServerUrl, type BackendName } from '../../support/databases.ts'

export interface CliDatabase {
  /** What the CLI's environment needs to reach it (DATABASE_URL, empty for PGlite). */
  env: NodeJS.ProcessEnv
  /** Opens it from the test; on PGlite only while no CLI process has it open. */
  read<T>(query: (db: Kysely<Database>) => Promise<T>): Promise<T>
  drop(): Promise<void>
}

/** PGlite: the CLI's default data directory under `workDir`. PostgreSQL: a new empty database (the CLI migrates it). */
export async function createCliDatabase(backend: BackendName, workDir: string): Promise<CliDatabase> {
  if (backend === 'pglite') {
    const dataDir = join(workDir, '.eurowatch/pglite')
    return { env: { DATABASE_URL: '' }, read: (query) => within(openDatabase({ kind: 'pglite', dataDir }), query), drop: async () => {} }
  }
  const server = postgresServerUrl()
  const name = `eurowatch_cli_${randomBytes(6).toString('hex')}`
  await admin(server, `create database ${name}`)
  const url = new URL(server)
  url.pathname = `/${name}`
  return {
    env: { DATABASE_URL: url.toString() },
    read: (query) => within(openDatabase({ kind: 'postgres', url: url.toString() }), query),
    drop: () => admin(server, `drop database if exists ${name} with (force)`),
  }
}

async function within<T>(opening: Promise<Kysely<Database>>, query: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const db = await opening
  try {
    return await query(db)
  } finally {
    await closeDatabase(db)
  }
}

