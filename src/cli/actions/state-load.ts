import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { mkdir, rename, rm, rmdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Command } from 'commander'
import { closeDatabase } from '../../../db/connection.ts'
import { migrateToLatest } from '../../../db/migrate.ts'
import { UserError } from '../../../domain/errors.ts'
import { loadCliConfig } from '../config-file.ts'
import { databaseTarget, environment } from '../context.ts'
import { openStateDatabase, readStateFile, refuseStateOnServer } from '../state-file.ts'

export default async function loadState(file: string, _options: unknown, command: Command): Promise<void> {
  const env = environment()
  refuseStateOnServer(env, 'state load')
  const target = databaseTarget(loadCliConfig(command), env)
  if (target.kind !== 'pglite') throw new UserError('state load: the database is not PGlite')
  const compressed = await readStateFile(file)
  if (compressed === null) throw new UserError(`no state file ${file}`)
  if (holdsFiles(target.dataDir)) throw new UserError(`${target.dataDir} holds a database already: move it away first; nothing was loaded`)
  // unpacked and migrated beside the data directory, which takes its name only once it is whole
  const loading = `${target.dataDir}.loading-${randomBytes(4).toString('hex')}`
  // a refused file leaves no folder behind either
  const createdParent = await mkdir(dirname(target.dataDir), { recursive: true })
  let loaded = false
  try {
    const db = await openStateDatabase({ file, dataDir: loading, compressed })
    let migrated: string[]
    try {
      migrated = await migrateToLatest(db)
    } finally {
      await closeDatabase(db)
    }
    if (existsSync(target.dataDir)) await rmdir(target.dataDir)
    await rename(loading, target.dataDir)
    loaded = true
    process.stdout.write(`loaded ${file} into ${target.dataDir}${migrated.length > 0 ? ` (migrated: ${migrated.join(', ')})` : ''}\n`)
  } finally {
    await rm(loading, { recursive: true, force: true })
    if (!loaded && createdParent !== undefined) await rm(createdParent, { recursive: true, force: true })
  }
}

function holdsFiles(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0
  } catch {
    return false
  }
}
