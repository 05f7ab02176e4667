// Parser health events: written during the crawl, read by the diff summary and the reports.
import type { Kysely } from 'kysely'
import type { Database, HealthProblem } from './schema.ts'

export interface HealthEventToRecord {
  runId: number
  listingId: number
  /** null for a problem of the whole listing (e.g. it stopped early). */
  pageFetchId: number | null
  problem: HealthProblem
  message: string
  at: Date
}

/** Records health events; one already recorded (same run, listing, page, problem) is left as is. Returns how many were new. */
export async function insertHealthEvents(db: Kysely<Database>, events: readonly HealthEventToRecord[]): Promise<number> {
  if (events.length === 0) return 0
  const rows = await db
    .insertInto('health_event')
    .values(
      events.map((e) => ({
        run_id: e.runId,
        listing_id: e.listingId,
        page_fetch_id: e.pageFetchId,
        problem: e.problem,
        message: e.message,
        created_at: e.at,
      })),
    )
    .onConflict((oc) => oc.constraint('health_event_key').doNothing())
    .returning('id')
    .execute()
  return rows.length
}
