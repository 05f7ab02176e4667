import { existsSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import type { Command } from 'commander'
import type { Kysely } from 'kysely'
import type { LoadedConfig } from '../config/load.ts'
import { globalOptions, loadCliConfig } from './config-file.ts'
import { readEnvironment, type Environment } from '../config/environment.ts'
import { createLogger, type Logger } from '../logging.ts'
import { openDatabase, closeDatabase, type DatabaseTarget } from '../../db/connection.ts'
import { migrateToLatest, requireCurrentSchema } from '../../db/migrate.ts'
import { UserError } from '../../domain/errors.ts'
import type { Database } from '../../db/schema.ts'
import { openStateDatabase, type StateDatabase } from './state-file.ts'

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

/**
 * Configuration, logger and a migrated database: what every storing verb needs. With `state`,
 * the database is that state file's, in its own data directory (`run --state`).
 */
export async function openCliContext(command: Command, loaded: LoadedConfig = loadCliConfig(command), state?: StateDatabase): Promise<CliContext> {
  return openContext(command, loaded, 'migrate', state)
}

/**
 * The same for a verb that only reads (report, history, snapshot, export): it never creates, migrates or writes.
 * A missing or out-of-date schema is a UserError saying to run `eurowatch migrate`.
 */
export async function openReadOnlyContext(command: Command, loaded: LoadedConfig = loadCliConfig(command)): Promise<CliContext> {
  return openContext(command, loaded, 'read')
}

/**
 * For a verb that writes but must not change the schema under the others (`worker`: many run at
 * once, against one server): an out-of-date schema is a UserError saying to run `eurowatch migrate`.
 */
export async function openCurrentContext(command: Command, loaded: LoadedConfig = loadCliConfig(command)): Promise<CliContext> {
  return openContext(command, loaded, 'read')
}

async function openContext(command: Command, loaded: LoadedConfig, schema: 'migrate' | 'read', state?: StateDatabase): Promise<CliContext> {
  const env = environment()
  const log = cliLogger(command, env)
  const target: DatabaseTarget = state === undefined ? databaseTarget(loaded, env) : { kind: 'pglite', dataDir: state.dataDir }
  // opening PGlite creates its directory: a reader leaves none behind
  if (schema === 'read' && target.kind === 'pglite' && !existsSync(target.dataDir)) {
    throw new UserError(`no database in ${target.dataDir} yet: run \`eurowatch migrate\`, or a first \`eurowatch run\``)
  }
  // PGlite is 10 MB of WebAssembly that V8 also compiles with its optimizing tier, on other threads:
  // its baseline tier alone costs less CPU in all and 70-90 MB less memory, also for long work
  // (measured on 2 cores: an open 0.55 s of CPU instead of 1.2 s; an unchanged run of the demo's
  // listings 3.1 s instead of 4.7 s; 300 archive pages crawled twice 20-24 s instead of 25-28 s;
  // 200,000 rows written and 3,000 lookups 7.1-7.6 s instead of 9.4-10.2 s).
  if (target.kind === 'pglite') setFlagsFromString('--liftoff-only')
  const creating = state === undefined && target.kind === 'pglite' && !existsSync(target.dataDir)
  const db = state === undefined ? await openDatabase(target) : await openStateDatabase(state)
  // a first run leaves a folder of data behind: say where, once, by the process that made it (not one refused its lock)
  if (creating) process.stderr.write(`eurowatch: creating the database in ${target.dataDir} (${dataDirOrigin(loaded)})\n`)
  try {
    await (schema === 'migrate' ? migrateToLatest(db) : requireCurrentSchema(db))
  } catch (error) {
    await closeDatabase(db)
    throw error
  }
  return { loaded, env, log, db, target, close: () => closeDatabase(db) }
}

/** Why the data directory is where it is: "dataDir, beside /srv/watch/eurowatch.yaml". */
function dataDirOrigin({ file, config }: LoadedConfig): string {
  if (file === null) return 'in the current folder: built-in defaults, no eurowatch.yaml here'
  return isAbsolute(config.database.dataDir) ? `database.dataDir of ${file}` : `database.dataDir, beside ${file}`
}
