// Small builders shared by the database tests.
import type { Kysely } from 'kysely'
import { upsertListing } from '../../db/listings.ts'
import { recordPageFetches, storePageBodies, type PageFetchRecord } from '../../db/pages.ts'
import { createRun } from '../../db/runs.ts'
import type { Database } from '../../db/schema.ts'
import type { ParsedEntry } from '../../domain/entry.ts'
import { storeListingPages, type ListingPageInput, type StorePageDeps, type StoredPage } from '../../jobs/store-page.ts'

export const T0 = new Date('2026-11-26T12:00:00.000Z')

export async function seedRunAndListing(db: Kysely<Database>, sourceId = 'social-innovation'): Promise<{ runId: number; listingId: number }> {
  const runId = await createRun(db, T0)
  const listingId = await upsertListing(db, { sourceId, profile: 'eurocities-legacy', url: `http://www.eurocities.eu/eurocities/issues/${sourceId}-issue` })
  return { runId, listingId }
}

export function parsedEntry(n: number, overrides: Partial<ParsedEntry> = {}): ParsedEntry {
  const key = `WSPO-${String(n).padStart(6, '0')}`
  return {
    key,
    url: `http://www.eurocities.eu/eurocities/documents/Entry-${n}-${key}`,
    title: `Entry ${n}`,
    type: 'news',
    date: '2019-10-23',
    endDate: null,
    themes: ['culture', 'economy'],
    summary: `Summary of entry ${n}, long enough to be cut somewhere.`,
    summaryTruncated: false,
    documentType: null,
    ...overrides,
  }
}

/** One page through the batch store, as a crawl stores a batch of one. */
export async function storeListingPage(deps: StorePageDeps, input: ListingPageInput): Promise<StoredPage> {
  const [stored] = await storeListingPages(deps, [input])
  if (stored === undefined) throw new Error('storeListingPages returned nothing')
  return stored
}

export async function storePageBody(db: Kysely<Database>, body: Buffer): Promise<string> {
  const [sha256] = await storePageBodies(db, [body])
  if (sha256 === undefined) throw new Error('storePageBodies returned no hash')
  return sha256
}

export async function recordPageFetch(db: Kysely<Database>, fetch: PageFetchRecord): Promise<number> {
  const [id] = await recordPageFetches(db, [fetch])
  if (id === undefined) throw new Error('recordPageFetches returned no id')
  return id
}
