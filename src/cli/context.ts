import { resolve } from 'node:path'
import type { Command } from 'commander'
import type { Kysely } from 'kysely'
import type { LoadedConfig } from '../config/load.ts'
import { globalOptions, loadCliConfig } from './config-file.ts'
import { readEnvironment, type Environment } from '../config/environment.ts'
import { createLogger, type Logger } from '../logging.ts'
import { openDatabase, closeDatabase, type DatabaseTarget } from '../../db/connection.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import type { Database } from '../../db/schema.ts'

export interface CliContext {
  loaded: LoadedConfig
  env: Environment
  log: Logger
  db: Kysely<Database>
  target: DatabaseTarget
  close(): Promise<void>
}

export function environment(): Environment {
  return readEnvironment(process.env)
}

export function cliLogger(command: Command, env: Environment): Logger {
  const level = globalOptions(command).logLevel ?? env.EUROWATCH_LOG_LEVEL ?? 'warn'
  return createLogger(level as Parameters<typeof createLogger>[0])
}

/** Where the data lives: PostgreSQL when DATABASE_URL is set, else PGlite in the configured data directory. */
export function databaseTarget(loaded: LoadedConfig, env: Environment): DatabaseTarget {
  return env.DATABASE_URL
    ? { kind: 'postgres', url: env.DATABASE_URL }
    : { kind: 'pglite', dataDir: resolve(loaded.baseDir, loaded.config.database.dataDir) }
}

/** Configuration, logger and a migrated database: what every storing verb needs. */
export async function openCliContext(command: Command): Promise<CliContext> {
  const env = environment()
  const loaded = loadCliConfig(command)
  const log = cliLogger(command, env)
  const target = databaseTarget(loaded, env)
  const db = await openDatabase(target)
  try {
    await migrateToLatest(db)
  } catch (error) {
    await closeDatabase(db)
    throw error
  }
  return { loaded, env, log, db, target, close: () => closeDatabase(db) }
}
