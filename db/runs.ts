import type { Kysely } from 'kysely'
import type { Database, RunStatus } from './schema.ts'

export interface RunOutcome {
  status: Exclude<RunStatus, 'running'>
  pagesFetched: number
  entriesSeen: number
  versionsCreated: number
  error: string | null
}

/** A new run, crawling; `queued`: its listings are jobs for the workers (db/queued-runs.ts). */
export async function createRun(db: Kysely<Database>, startedAt: Date, queued = false): Promise<number> {
  const row = await db
    .insertInto('crawl_run')
    .values({ started_at: startedAt, status: 'running', finished_at: null, error: null, diffed_at: null, queued })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function finishRun(db: Kysely<Database>, runId: number, outcome: RunOutcome, finishedAt: Date): Promise<void> {
  await db
    .updateTable('crawl_run')
    .set({
      status: outcome.status,
      pages_fetched: outcome.pagesFetched,
      entries_seen: outcome.entriesSeen,
      versions_created: outcome.versionsCreated,
      error: outcome.error,
      finished_at: finishedAt,
    })
    .where('id', '=', runId)
    .execute()
}

/**
 * Marks runs (and their listing crawls) left 'running' by a killed process as failed, so no
 * later step mistakes them for complete. Call it only while holding the run lock.
 */
export async function failAbandonedRuns(db: Kysely<Database>, now: Date, reason = 'interrupted'): Promise<number[]> {
  const rows = await db
    .updateTable('crawl_run')
    .set({ status: 'failed', finished_at: now, error: reason })
    .where('status', '=', 'running')
    // a queued run's listings are with the workers, whose own retries finish it
    .where('queued', '=', false)
    .returning('id')
    .execute()
  const ids = rows.map((r) => r.id)
  if (ids.length > 0) {
    await db
      .updateTable('listing_crawl')
      .set({ status: 'failed', finished_at: now, reason })
      .where('run_id', 'in', ids)
      .where('status', '=', 'running')
      .execute()
  }
  return ids
}
