// Which runs the diff job has still to do, and marking them done.
import type { Kysely } from 'kysely'
import type { CrawlRun, Database } from './schema.ts'

const FINISHED = ['complete', 'partial', 'failed'] as const

/** Locks the run row for the diff (two diffs of one run never interleave); undefined when there is no such run. */
export async function lockRunForDiff(db: Kysely<Database>, runId: number): Promise<CrawlRun | undefined> {
  return db.selectFrom('crawl_run').selectAll().where('id', '=', runId).forUpdate().executeTakeFirst()
}

/** Keeps the first time: a repeated diff does not pretend the run was diffed later. */
export async function markRunDiffed(db: Kysely<Database>, runId: number, at: Date): Promise<void> {
  await db.updateTable('crawl_run').set({ diffed_at: at }).where('id', '=', runId).where('diffed_at', 'is', null).execute()
}

/** Finished runs not diffed yet (a process killed between crawl and diff leaves one), oldest first. */
export async function pendingDiffRuns(db: Kysely<Database>): Promise<number[]> {
  const rows = await db
    .selectFrom('crawl_run')
    .select('id')
    .where('diffed_at', 'is', null)
    .where('status', 'in', [...FINISHED])
    .orderBy('id')
    .execute()
  return rows.map((row) => row.id)
}

export async function latestFinishedRun(db: Kysely<Database>): Promise<number | undefined> {
  const row = await db.selectFrom('crawl_run').select('id').where('status', 'in', [...FINISHED]).orderBy('id', 'desc').limit(1).executeTakeFirst()
  return row?.id
}
