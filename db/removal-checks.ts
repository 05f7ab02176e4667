// The answers of entries' own pages asked before a removal: stored as they came (no body was read),
// for the WARC export. One statement for a run's answers.
import type { Kysely } from 'kysely'
import type { EntryPageFetch } from '../domain/archive.ts'
import type { Database } from './schema.ts'

/** An answer to the removal check of an entry on a listing. */
export type RemovalCheckToRecord = EntryPageFetch & { entryId: number; listingId: number }

export async function recordRemovalChecks(db: Kysely<Database>, runId: number, checks: readonly RemovalCheckToRecord[]): Promise<void> {
  if (checks.length === 0) return
  await db
    .insertInto('removal_check')
    .values(
      checks.map((check) => ({
        run_id: runId,
        entry_id: check.entryId,
        listing_id: check.listingId,
        url: check.url,
        fetched_url: check.fetchedUrl,
        status: check.status,
        headers: JSON.stringify(check.headers),
        duration_ms: check.durationMs,
        fetched_at: check.fetchedAt,
      })),
    )
    .execute()
}
