// Entries for the search tests, written as the jobs write them: the store of listing pages (run,
// versions, sightings) and the detail store (an entry's own page).
import type { Kysely } from 'kysely'
import { insertEntryDetails, recordDetailFetches } from '../../db/details.ts'
import { upsertListing } from '../../db/listings.ts'
import { createRun } from '../../db/runs.ts'
import type { Database } from '../../db/schema.ts'
import type { ParsedEntry } from '../../domain/entry.ts'
import { storeListingPage } from '../db/fixtures.ts'

export const T = (hour: number) => new Date(Date.UTC(2026, 10, 26, 12 + hour))

export async function listing(db: Kysely<Database>, sourceId: string): Promise<number> {
  return upsertListing(db, { sourceId, profile: 'eurocities-legacy', url: `http://www.eurocities.eu/eurocities/issues/${sourceId}-issue` })
}

/** One run of one listing page, stored as a crawl stores it. */
export async function storeRun(db: Kysely<Database>, listingId: number, at: Date, entries: ParsedEntry[]): Promise<number> {
  const runId = await createRun(db, at)
  await storeListingPage(
    { db, now: () => at },
    {
      runId, listingId, pageNumber: 1, canonicalUrl: `http://www.eurocities.eu/listing-${listingId}`,
      fetchedUrl: 'http://127.0.0.1/x', status: 200, contentType: 'text/html', headers: null, body: Buffer.from(JSON.stringify(entries)), charset: 'UTF-8',
      durationMs: 1, attempts: 1, outcome: 'fetched', error: null, entries, firstPosition: 1, theme: null, themeSource: 'page',
    },
  )
  return runId
}

/** The detail page of an entry's open version, stored as the detail job stores it. */
export async function storeDetail(db: Kysely<Database>, runId: number, key: string, text: string): Promise<void> {
  const version = await db
    .selectFrom('entry_version').innerJoin('entry', 'entry.id', 'entry_version.entry_id')
    .select(['entry_version.id', 'entry_version.entry_id', 'entry_version.url'])
    .where('entry.entry_key', '=', key).where('entry_version.valid_to_run', 'is', null)
    .executeTakeFirstOrThrow()
  const [fetchId] = await recordDetailFetches(db, [{
    runId, entryId: version.entry_id, versionId: version.id, url: version.url, fetchedUrl: version.url, finalUrl: version.url, status: 200,
    contentType: 'text/html', headers: null, bytes: text.length, durationMs: 1, bodySha256: null, outcome: 'read', error: null, fetchedAt: T(0),
  }])
  if (fetchId === undefined) throw new Error('no detail fetch recorded')
  await insertEntryDetails(db, [{ versionId: version.id, entryId: version.entry_id, fetchId, detail: { postId: null, published: null, documentType: null, author: null, contact: null, tags: [], files: [], text } }])
}

