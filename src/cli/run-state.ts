// `run --state FILE`: the run works on the state file's database in a data directory of its
// own, removed afterwards; the configured data directory is not touched.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { packDataDir } from '../../db/data-dir-archive.ts'
import type { Environment } from '../config/environment.ts'
import { readStateFile, refuseStateOnServer, saveStateFile, type StateDatabase } from './state-file.ts'

/**
 * Runs `work` on the state file's database (empty when there is no file yet); a bad file is
 * refused (by `work`'s openStateDatabase) before the run starts. Once `work` has closed the database, its data directory is
 * written over the state file (beside it, then renamed) if `keep` says so of the result.
 */
export async function withRunState<T>(file: string, env: Environment, work: (database: StateDatabase) => Promise<T>, keep: (result: T) => boolean): Promise<T> {
  refuseStateOnServer(env, '--state')
  const compressed = await readStateFile(file)
  const dir = await mkdtemp(join(tmpdir(), 'eurowatch-state-'))
  try {
    const database = { file, dataDir: join(dir, 'pglite'), compressed }
    const result = await work(database)
    if (keep(result)) {
      // closed, PGlite's files are whole on disk; the directory is this process's own (no lock to hold)
      const bytes = await saveStateFile(packDataDir(database.dataDir), file)
      process.stderr.write(`state saved to ${file} (${bytes} bytes)\n`)
    }
    return result
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
