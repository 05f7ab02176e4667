import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { sql, type Kysely } from 'kysely'
import { UserError } from '../domain/errors.ts'
import type { DatabaseTarget } from './connection.ts'
import type { Database } from './schema.ts'

// pg_advisory_lock key: "eurowatch" as a stable 32-bit number
const ADVISORY_KEY = 0x65757277

/**
 * Runs `work` while no other eurowatch run can: two runs never overlap on one database.
 * PostgreSQL: a session advisory lock (released by the server if the process dies).
 * PGlite: a lock file beside the data directory (one process may open it at a time anyway).
 */
export async function withRunLock<T>(db: Kysely<Database>, target: DatabaseTarget, work: () => Promise<T>): Promise<T> {
  if (target.kind === 'pglite') return withLockFile(`${target.dataDir.replace(/\/+$/, '')}.lock`, work)
  return db.connection().execute(async (connection) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${ADVISORY_KEY}) as locked`.execute(connection)
    if (!rows[0]?.locked) throw new UserError('another eurowatch run is using this database', 'wait for it to finish, or stop it')
    try {
      return await work()
    } finally {
      await sql`select pg_advisory_unlock(${ADVISORY_KEY})`.execute(connection)
    }
  })
}

async function withLockFile<T>(path: string, work: () => Promise<T>): Promise<T> {
  if (path.startsWith('memory:')) return work()
  acquireLockFile(path)
  try {
    return await work()
  } finally {
    rmSync(path, { force: true })
  }
}

function acquireLockFile(path: string, attempt = 0): void {
  try {
    const fd = openSync(path, 'wx')
    writeSync(fd, `${process.pid} ${hostname()} ${new Date().toISOString()}\n`)
    closeSync(fd)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error
    const holder = readFileSync(path, 'utf8').split(' ')
    const pid = Number(holder[0])
    // a lock taken on another machine cannot be checked from here: treat it as held
    if (holder[1] !== hostname() || isAlive(pid)) {
      throw new UserError(`another eurowatch run (pid ${pid}) is using this database: ${path} exists`, 'wait for it to finish, or stop it')
    }
    // the holder died (SIGKILL, power loss): its lock is stale
    rmSync(path, { force: true })
    acquireLockFile(path, attempt + 1)
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
