// `run --state FILE`: the run works on the state file's database in a data directory of its
// own, removed afterwards; the configured data directory is not touched.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'
import type { Environment } from '../config/environment.ts'
import { readStateFile, refuseStateOnServer, saveStateFile, type StateDatabase } from './state-file.ts'

export interface RunState {
  database: StateDatabase
  /** Writes the run's database over the state file (beside it, then renamed). */
  save(db: Kysely<Database>): Promise<void>
}

/** Runs `work` on the state file's database (empty when there is no file yet); a bad file is refused before anything is written. */
export async function withRunState<T>(file: string, env: Environment, work: (state: RunState) => Promise<T>): Promise<T> {
  refuseStateOnServer(env, '--state')
  const archive = await readStateFile(file)
  const dir = await mkdtemp(join(tmpdir(), 'eurowatch-state-'))
  try {
    return await work({
      database: { file, dataDir: join(dir, 'pglite'), archive },
      async save(db) {
        const bytes = await saveStateFile(db, file)
        process.stderr.write(`state saved to ${file} (${bytes} bytes)\n`)
      },
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
