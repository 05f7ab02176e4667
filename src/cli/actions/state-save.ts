import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { closeDatabase, dumpDataDir, openDatabase } from '../../../db/connection.ts'
import { UserError } from '../../../domain/errors.ts'
import { loadCliConfig } from '../config-file.ts'
import { databaseTarget, environment } from '../context.ts'
import { refuseStateOnServer, saveStateFile } from '../state-file.ts'

export default async function saveState(file: string, _options: unknown, command: Command): Promise<void> {
  const env = environment()
  refuseStateOnServer(env, 'state save')
  const target = databaseTarget(loadCliConfig(command), env)
  if (target.kind !== 'pglite' || !existsSync(join(target.dataDir, 'PG_VERSION'))) {
    throw new UserError(`no database in ${target.kind === 'pglite' ? target.dataDir : 'the data directory'} yet: nothing to save`)
  }
  const db = await openDatabase(target)
  try {
    // dumped while open, under the data directory's lock: no other process writes to it meanwhile
    const bytes = await saveStateFile([await dumpDataDir(db)], file)
    process.stdout.write(`saved ${target.dataDir} to ${file} (${bytes} bytes)\n`)
  } finally {
    await closeDatabase(db)
  }
}
