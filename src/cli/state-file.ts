// The embedded database as one file, for runners that start empty (CI): `state save`,
// `state load` and `run --state`. The file is the PGlite data directory as a gzip'd tar (the
// layout of PGlite's dumpDataDir; `tar -tzf` lists it), written beside its target and renamed
// over it, so a process killed while writing leaves the previous file whole.
import { readFile, rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import type { Kysely } from 'kysely'
import { unpackCompressedDataDir } from '../../db/data-dir-archive.ts'
import { closeDatabase, openDatabase } from '../../db/connection.ts'
import { unknownMigrations } from '../../db/migrate.ts'
import type { Database } from '../../db/schema.ts'
import { UserError } from '../../domain/errors.ts'
import type { Environment } from '../config/environment.ts'
import { openOutput } from './output-file.ts'

// the fastest level: a run pays for it twice (gzip on save, and the upload of the file); measured
// on the demo's tar (44 MB, its obsolete WAL zeroed): level 1 0.14 s of CPU for 4.2 MB, level 6
// (the default) 0.29 s for 3.6 MB
const GZIP_LEVEL = 1

/** A state file and the data directory it is loaded into. */
export interface StateDatabase {
  file: string
  dataDir: string
  /** The file's bytes (a gzip'd tar); null: no file yet (a first run). */
  compressed: Buffer | null
}

/** The state lives in the embedded database only: on a PostgreSQL server, the server keeps it. */
export function refuseStateOnServer(env: Environment, what: string): void {
  if (env.DATABASE_URL !== undefined) throw new UserError(`${what}: DATABASE_URL is set, and the PostgreSQL server keeps the state: drop ${what} or unset DATABASE_URL`)
}

/** A state file's bytes, still compressed (checked as they are unpacked); null when there is no such file. */
export async function readStateFile(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return null
    throw new UserError(`cannot read the state file ${path}: ${code ?? String(error)}`)
  }
}

/**
 * Opens the state's data directory (new), unpacked from its file first when there is one. A
 * file that is no whole gzip'd data directory, a state that PGlite cannot start, or one that a
 * newer eurowatch wrote (a migration unknown here), is refused; the directory is then removed.
 */
export async function openStateDatabase(state: StateDatabase): Promise<Kysely<Database>> {
  if (state.compressed !== null) {
    const fault = await unpackCompressedDataDir(state.compressed, state.dataDir)
    if (fault !== null) {
      await rm(state.dataDir, { recursive: true, force: true })
      throw unusable(state.file, fault)
    }
  }
  let db: Kysely<Database>
  try {
    db = await openDatabase({ kind: 'pglite', dataDir: state.dataDir })
  } catch (error) {
    throw state.compressed === null || !(error instanceof UserError) ? error : unusable(state.file, error.message.replace(/^.*?: /, ''))
  }
  try {
    const unknown = await unknownMigrations(db)
    if (unknown.length > 0) {
      throw new UserError(`the state file ${state.file} was written by a newer eurowatch (migration ${unknown.join(', ')} is unknown here): upgrade eurowatch to use it; nothing was changed`)
    }
    return db
  } catch (error) {
    await closeDatabase(db)
    throw error
  }
}

/**
 * Inflates the file straight into the data directory (zlib in the thread pool while the files are
 * written); its fault, or null. A failed gzip (a cut file ends early, a damaged one fails the
 * checksum) is named before what the tar made of its bytes.
 */
/** Writes a data directory archive (in chunks) to `path`, compressed (temporary file, fsync, rename); returns the file's size. */
export async function saveStateFile(archive: Iterable<Uint8Array>, path: string): Promise<number> {
  const output = await openOutput(path).catch((error: unknown) => {
    throw error instanceof UserError ? new UserError(`cannot write the state file ${path}: ${error.message.replace(/^.*: /, '')}`, error.hint) : error
  })
  try {
    await pipeline(Readable.from(archive, { objectMode: false }), createGzip({ level: GZIP_LEVEL }), async (compressed: AsyncIterable<Buffer>) => {
      for await (const chunk of compressed) await output.write(chunk)
    })
    await output.commit()
  } catch (error) {
    await output.abort()
    throw error
  }
  return output.bytes()
}

function unusable(path: string, reason: string): UserError {
  return new UserError(`the state file ${path} is corrupt or truncated (${reason}): nothing was changed`)
}
