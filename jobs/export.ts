// The archive read back in order, a page of rows at a time, for `eurowatch export`: stored page
// fetches with their bodies (a body already handed out in this export is not read again: its
// fetch refers to the first capture), and entries with every version. Memory holds two pages
// of rows and at most twice BODY_BYTES of bodies, plus one small record per distinct body.
import type { Kysely } from 'kysely'
import { detailsOfVersions } from '../db/details.ts'
import { entriesAfter, listingIdByName, listingsOfEntries, removalsOfEntries, storedDetailFetchesAfter, storedFetchesAfter, storedRemovalChecksAfter, versionsOfEntries } from '../db/archive.ts'
import { readPageBodies, sha256Hex } from '../db/pages.ts'
import type { Database } from '../db/schema.ts'
import type { EntryListing, ExportScope, ExportedEntry, FirstCapture, PageCapture, StoredFetch } from '../domain/archive.ts'

const FETCHES_PER_PAGE = 200
const ENTRIES_PER_PAGE = 500
/** Uncompressed body bytes read from the database at once (a single larger body is read alone). */
const BODY_BYTES = 16 * 1024 * 1024

export interface ExportRequest {
  since: Date | null
  until: Date | null
  /** A listing's name, or null for all. */
  listing: string | null
}

/** The scope of an export, or null when it names a listing the database does not have. */
export async function resolveScope(db: Kysely<Database>, request: ExportRequest): Promise<ExportScope | null> {
  const listingId = request.listing === null ? null : await listingIdByName(db, request.listing)
  if (request.listing !== null && listingId === null) return null
  return { since: request.since, until: request.until, listingId }
}

type FetchReader = (db: Kysely<Database>, scope: ExportScope, afterId: number, limit: number) => Promise<StoredFetch[]>

/** Listing pages, then entries' own pages, then the pages asked before a removal: each table in the order stored. */
const FETCH_READERS: readonly FetchReader[] = [storedFetchesAfter, storedDetailFetchesAfter, storedRemovalChecksAfter]

/**
 * Every stored fetch in the scope that got a response: listing pages, entries' own pages and the
 * answers asked before a removal, each kind in the order stored. The next batch is read while this
 * one is written (database and disk at work together); what counts as written before is decided as
 * batches are read, which is the order they are handed out in.
 */
export async function* pageCaptures(db: Kysely<Database>, scope: ExportScope): AsyncGenerator<PageCapture> {
  const firstCaptures = new Map<string, FirstCapture>()
  for (const read of FETCH_READERS) {
    let next = readBatch(db, read, scope, 0, firstCaptures)
    try {
      for (;;) {
        const batch = await next
        if (batch === null) break
        next = readBatch(db, read, scope, batch.lastId, firstCaptures)
        yield* batch.captures
      }
    } finally {
      // a reader that stops early leaves the batch read ahead unread
      next.catch(() => undefined)
    }
  }
}

interface CaptureBatch {
  captures: PageCapture[]
  lastId: number
}

/** Up to FETCHES_PER_PAGE fetches after `afterId`, cut where the bodies still to write pass BODY_BYTES (one body at least). */
async function readBatch(db: Kysely<Database>, read: FetchReader, scope: ExportScope, afterId: number, firstCaptures: Map<string, FirstCapture>): Promise<CaptureBatch | null> {
  const fetches = await read(db, scope, afterId, FETCHES_PER_PAGE)
  const toRead = new Set<string>()
  let bytes = 0
  let count = 0
  for (const fetch of fetches) {
    const fresh = fetch.sha256 !== null && !firstCaptures.has(fetch.sha256) && !toRead.has(fetch.sha256)
    if (fresh && count > 0 && bytes + (fetch.bodySize ?? 0) > BODY_BYTES) break
    if (fresh && fetch.sha256 !== null) {
      toRead.add(fetch.sha256)
      bytes += fetch.bodySize ?? 0
    }
    count += 1
  }
  const batch = fetches.slice(0, count)
  const last = batch.at(-1)
  if (last === undefined) return null
  const bodies = await readPageBodies(db, [...toRead])
  return { captures: batch.map((fetch) => capture(fetch, bodies, firstCaptures)), lastId: last.id }
}

function capture(fetch: StoredFetch, bodies: ReadonlyMap<string, Buffer>, firstCaptures: Map<string, FirstCapture>): PageCapture {
  if (fetch.sha256 === null) return { kind: 'empty', fetch }
  const first = firstCaptures.get(fetch.sha256)
  if (first !== undefined) return { kind: 'revisit', fetch, of: first }
  const body = bodies.get(fetch.sha256)
  // content-addressed: a body that does not hash to its address is a damaged store, not an export to write
  if (body === undefined || sha256Hex(body) !== fetch.sha256) throw new Error(`page body ${fetch.sha256} of ${fetch.kind} fetch ${fetch.id} is ${body === undefined ? 'missing' : 'damaged'}`)
  firstCaptures.set(fetch.sha256, { fetch: { kind: fetch.kind, id: fetch.id }, url: fetch.url, fetchedAt: fetch.fetchedAt, sha256: fetch.sha256 })
  return { kind: 'body', fetch, body }
}

/** Every entry sighted in the scope, in the order first stored, with its versions and listings as of the scope's end. */
export async function* exportedEntries(db: Kysely<Database>, scope: ExportScope): AsyncGenerator<ExportedEntry> {
  let after = 0
  for (;;) {
    const entries = await entriesAfter(db, scope, after, ENTRIES_PER_PAGE)
    const last = entries.at(-1)
    if (last === undefined) return
    after = last.id
    const ids = entries.map((entry) => entry.id)
    const stored = await versionsOfEntries(db, ids, scope.until)
    const versions = groupBy(stored, (version) => version.entryId)
    const details = await detailsOfVersions(db, stored.map((version) => version.versionId), scope.until)
    const listings = groupBy(await listingsOfEntries(db, ids, scope.until), (listing) => listing.entryId)
    const removals = await removalsOfEntries(db, ids, scope.until)
    for (const entry of entries) {
      const seenOn: EntryListing[] = (listings.get(entry.id) ?? []).map(({ entryId: _entryId, ...listing }) => listing)
      yield {
        key: entry.key,
        firstSeenRun: Math.min(...seenOn.map((listing) => listing.firstSeenRun)),
        lastSeenRun: Math.max(...seenOn.map((listing) => listing.lastSeenRun)),
        removed: removals.get(entry.id) ?? null,
        listings: seenOn,
        versions: (versions.get(entry.id) ?? []).map(({ versionId, validity, fields, origin, correctedAt }) => ({ validity, fields, origin, correctedAt, detail: details.get(versionId) ?? null })),
      }
    }
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>()
  for (const item of items) {
    const id = key(item)
    const group = groups.get(id)
    if (group === undefined) groups.set(id, [item])
    else group.push(item)
  }
  return groups
}
