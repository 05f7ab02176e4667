// The page-storing step: one fetched listing page, its body, its entries and their versions,
// all in one transaction so a killed run leaves either the whole page or nothing.
import type { Kysely } from 'kysely'
import { closeVersions, findOpenVersions, openVersions, recordSightings, upsertEntries, versionFieldsOf, type VersionToOpen } from '../db/entries'
import { recordPageFetch, storePageBody } from '../db/pages'
import type { Database } from '../db/schema'
import type { ParsedEntry } from '../src/domain/entry'
import { decideVersion } from '../src/domain/versioning'

export interface StorePageDeps {
  db: Kysely<Database>
  now: () => Date
}

export interface ListingPageInput {
  runId: number
  listingId: number
  pageNumber: number
  canonicalUrl: string
  fetchedUrl: string
  status: number | null
  contentType: string | null
  body: Buffer | null
  durationMs: number
  attempts: number
  error: string | null
  /** null when the fetch failed or the page did not parse: then only the fetch is recorded. */
  entries: ParsedEntry[] | null
  /** 1-based listing position of the page's first entry. */
  firstPosition: number
}

export interface StoredPage {
  pageFetchId: number
  newEntries: number
  versionsCreated: number
  sightings: number
}

export async function storeListingPage(deps: StorePageDeps, input: ListingPageInput): Promise<StoredPage> {
  const at = deps.now()
  return deps.db.transaction().execute(async (trx) => {
    const bodySha256 = input.body === null ? null : await storePageBody(trx, input.body)
    const pageFetchId = await recordPageFetch(trx, {
      runId: input.runId,
      listingId: input.listingId,
      pageNumber: input.pageNumber,
      url: input.canonicalUrl,
      fetchedUrl: input.fetchedUrl,
      status: input.status,
      contentType: input.contentType,
      bytes: input.body?.length ?? null,
      durationMs: input.durationMs,
      attempts: input.attempts,
      bodySha256,
      error: input.error,
      fetchedAt: at,
    })
    if (input.entries === null) return { pageFetchId, newEntries: 0, versionsCreated: 0, sightings: 0 }
    const entries = input.entries

    const upserted = await upsertEntries(trx, input.runId, entries.map((e) => e.key))
    const idByKey = new Map(upserted.map((e) => [e.entryKey, e.id]))
    const entryId = (key: string): number => {
      const id = idByKey.get(key)
      if (id === undefined) throw new Error(`entry ${key} was not upserted`)
      return id
    }
    const openByEntry = new Map((await findOpenVersions(trx, upserted.map((e) => e.id))).map((v) => [v.entry_id, v]))

    // A key listed twice on one page: its first listing decides the version.
    const firstByKey = new Map<string, ParsedEntry>()
    for (const entry of entries) if (!firstByKey.has(entry.key)) firstByKey.set(entry.key, entry)

    const toClose: number[] = []
    const toOpen: VersionToOpen[] = []
    for (const [key, entry] of firstByKey) {
      const id = entryId(key)
      const current = openByEntry.get(id)
      const decision = decideVersion(current === undefined ? null : versionFieldsOf(current), entry)
      if (decision.kind === 'same') continue
      if (current !== undefined) toClose.push(current.id)
      toOpen.push({ entryId: id, fields: decision.next })
    }
    await closeVersions(trx, toClose, input.runId, at)
    await openVersions(trx, toOpen, input.runId, at)

    const page = { runId: input.runId, listingId: input.listingId, pageFetchId, pageNumber: input.pageNumber }
    const sightings = await recordSightings(
      trx,
      page,
      entries.map((entry, index) => ({ entryId: entryId(entry.key), position: input.firstPosition + index })),
    )
    return { pageFetchId, newEntries: upserted.filter((e) => e.inserted).length, versionsCreated: toOpen.length, sightings }
  })
}
