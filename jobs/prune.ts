// `eurowatch prune --keep-raw-pages`: raw page bodies older than the duration that nothing kept
// needs (db/prune.ts says which are kept), dropped while no run can store a page meanwhile.
import type { Kysely } from 'kysely'
import type { DatabaseTarget } from '../db/connection.ts'
import { dropPrunableBodies, prunableBodies, type PrunableBody } from '../db/prune.ts'
import { withRunLock } from '../db/run-lock.ts'
import type { Database } from '../db/schema.ts'

export interface PruneRequest {
  /** Bodies last fetched before this moment may go. */
  cutoff: Date
  dryRun: boolean
}

export interface PruneResult {
  dryRun: boolean
  bodies: PrunableBody[]
}

export async function prunePageBodies(db: Kysely<Database>, target: DatabaseTarget, request: PruneRequest): Promise<PruneResult> {
  // a run storing a page checks that its body is stored, then refers to it: never in between
  return withRunLock(db, target, async () => ({
    dryRun: request.dryRun,
    bodies: request.dryRun ? await prunableBodies(db, request.cutoff) : await db.transaction().execute((trx) => dropPrunableBodies(trx, request.cutoff)),
  }))
}
