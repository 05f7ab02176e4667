// One Kysely<Database> over either backend; connection failures become one-line UserErrors
// that never show a secret of the connection string.
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Extensions, PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, sql } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import { maskConnectionString, scrubConnectionSecrets } from '../domain/connection-string.ts'
import { UserError } from '../domain/errors.ts'
import type { DataDirArchive } from './data-dir-archive.ts'
import { lockDataDir } from './data-dir-lock.ts'
import { seedFromTemplate } from './pglite-template.ts'
import type { Database } from './schema.ts'

export type DatabaseTarget = { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string }

const INT8_OID = 20

// PGlite's PostgreSQL keeps its buffer cache in the process's own memory, where it stays once
// touched: 128 MB by default. The data directory's files are in the OS page cache anyway, so a
// small one costs a read call now and then, not a disk read (measured: opening the demo's data
// directory peaks at 150 MB instead of 295 MB resident).
export const PGLITE_SETTINGS = ['-c', 'shared_buffers=16MB']

/**
 * The contrib extensions the schema uses (full-text search folds accents with unaccent and finds
 * misspelt titles with pg_trgm): PGlite loads an extension's code only when created with it, so
 * every PGlite that opens a eurowatch database is created with these.
 */
export async function pgliteExtensions(): Promise<Extensions> {
  const [{ unaccent }, { pg_trgm }] = await Promise.all([import('@electric-sql/pglite/contrib/unaccent'), import('@electric-sql/pglite/contrib/pg_trgm')])
  return { unaccent, pg_trgm }
}

/** Opens the database and checks it answers. Migrations are the caller's (see migrateToLatest). */
export async function openDatabase(target: DatabaseTarget): Promise<Kysely<Database>> {
  const db = target.kind === 'pglite' ? await openPglite(target.dataDir) : await openPostgres(target.url)
  try {
    await sql`select 1`.execute(db)
  } catch (error) {
    await closeDatabase(db).catch(() => undefined)
    throw connectionError(target, error)
  }
  return db
}

export async function closeDatabase(db: Kysely<Database>): Promise<void> {
  try {
    await db.destroy()
  } finally {
    await dataDirLocks.get(db)?.()
    dataDirLocks.delete(db)
  }
}

/** The data directory lock of each open PGlite database, released once it is closed. */
const dataDirLocks = new WeakMap<Kysely<Database>, () => Promise<void>>()

/** The PGlite under each open PGlite database, for dumping its data directory. */
const pgliteClients = new WeakMap<Kysely<Database>, PGlite>()

/**
 * The whole data directory of an open PGlite database as one tar. A checkpoint first writes
 * what sits in PGlite's buffers to the data files, so loading it replays no WAL.
 */
export async function dumpDataDir(db: Kysely<Database>): Promise<DataDirArchive> {
  const client = pgliteClients.get(db)
  if (client === undefined) throw new Error('dumpDataDir: not a PGlite database')
  await sql`checkpoint`.execute(db)
  return new Uint8Array(await (await client.dumpDataDir('none')).arrayBuffer())
}

/**
 * Wraps an open PGlite. The dialect hands its single session to one kysely connection at a
 * time (queued), so concurrent transactions are serialized, never interleaved: inside a
 * transaction, query through `trx`, never through `db`, or it waits forever.
 */
export function wrapPglite(client: PGlite): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PGliteDialect(client) })
}

async function openPglite(dataDir: string): Promise<Kysely<Database>> {
  const target = { kind: 'pglite', dataDir } as const
  if (dataDir.startsWith('memory://')) return createPglite(target)
  // before PGlite touches the directory: two processes creating one data directory break it
  const release = await lockDataDir(dataDir).catch((error: unknown) => {
    throw error instanceof UserError ? error : connectionError(target, error)
  })
  try {
    const db = await createPglite(target)
    dataDirLocks.set(db, release)
    return db
  } catch (error) {
    await release()
    throw error
  }
}

/**
 * PostgreSQL's own lock file in the data directory, left by a process that did not close it. PGlite
 * creates it empty and fills it a moment later: a process killed in between leaves it empty, and
 * PostgreSQL then refuses the directory for good ("lock file "postmaster.pid" is empty"). It guards
 * nothing here: PGlite's process id is always 42, so PostgreSQL takes any filled one for its own
 * and removes it anyway; the data directory's lock, taken before (openPglite), keeps others out.
 */
function removePostgresLockFile(dataDir: string): void {
  rmSync(join(dataDir, 'postmaster.pid'), { force: true })
}

async function createPglite(target: { kind: 'pglite'; dataDir: string }): Promise<Kysely<Database>> {
  try {
    const inMemory = target.dataDir.startsWith('memory://')
    // a new directory: the template of an empty one, not initdb (db/pglite-template.ts)
    const seeded = !inMemory && (await seedFromTemplate(target.dataDir))
    if (!inMemory) {
      mkdirSync(target.dataDir, { recursive: true })
      removePostgresLockFile(target.dataDir)
    }
    // each backend's driver is loaded only when used: a verb on PostgreSQL never loads PGlite's 10 MB of WebAssembly
    const { PGlite } = await import('@electric-sql/pglite')
    // int8 (count(*)) as number, as on pg below; PGlite already does, say it anyway.
    const start = async () =>
      PGlite.create(target.dataDir, {
        parsers: { [INT8_OID]: Number },
        startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS],
        extensions: await pgliteExtensions(),
      })
    // a template another PGlite release cannot start (a new PostgreSQL): set aside, initdb instead
    const client = seeded
      ? await start().catch(() => {
          rmSync(target.dataDir, { recursive: true, force: true })
          mkdirSync(target.dataDir, { recursive: true })
          return start()
        })
      : await start()
    const db = wrapPglite(client)
    pgliteClients.set(db, client)
    return db
  } catch (error) {
    throw connectionError(target, error)
  }
}

async function openPostgres(url: string): Promise<Kysely<Database>> {
  const target = { kind: 'postgres', url } as const
  const { default: pg } = await import('pg')
  try {
    const pool = new pg.Pool({
      connectionString: url,
      connectionTimeoutMillis: 10_000,
      // pg returns int8 as string by default; we only use it for counts, which fit a number.
      types: { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format as 'text')) } as import('pg').CustomTypesConfig,
    })
    // A client dropped by the server must not crash the process; the next query on it reports it.
    // The pool hears idle clients; a client held between statements (a transaction) is heard by none
    // but its own listener.
    pool.on('error', () => undefined)
    pool.on('connect', (client) => client.on('error', () => undefined))
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  } catch (error) {
    throw connectionError(target, error)
  }
}

function connectionError(target: DatabaseTarget, error: unknown): UserError {
  const reason = firstLine(error instanceof Error ? error.message || error.name : String(error))
  if (target.kind === 'pglite') {
    return new UserError(`cannot open the database in ${target.dataDir}: ${reason}`, 'check that the data directory is writable and not used by another process')
  }
  return new UserError(`cannot connect to ${maskConnectionString(target.url)}: ${scrubConnectionSecrets(reason, target.url)}`, 'check the database URL and that the server is running')
}

function firstLine(s: string): string {
  return s.split('\n', 1)[0]?.trim() ?? ''
}
