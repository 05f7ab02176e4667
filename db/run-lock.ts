import { sql, type Kysely } from 'kysely'
import { UserError } from '../domain/errors.ts'
import type { DatabaseTarget } from './connection.ts'
import type { Database } from './schema.ts'

// pg_advisory_lock key: "eurowatch" as a stable 32-bit number
const ADVISORY_KEY = 0x65757277

/**
 * Runs `work` while no other eurowatch run can: two runs never overlap on one database.
 * PostgreSQL: a session advisory lock (released by the server if the process dies).
 * PGlite: one process at a time has the data directory open at all (see db/data-dir-lock.ts),
 * so a process that opened it runs alone already.
 */
export async function withRunLock<T>(db: Kysely<Database>, target: DatabaseTarget, work: () => Promise<T>): Promise<T> {
  if (target.kind === 'pglite') return work()
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
