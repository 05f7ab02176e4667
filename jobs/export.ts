// The archive read back in order, a page of rows at a time, for `eurowatch export`: stored page
// fetches with their bodies (a body already handed out in this export is not read again: its
// fetch refers to the first capture), and entries with every version. Memory holds one page of
// rows and at most BODY_BYTES of bodies, plus one small record per distinct body.
import type { Kysely } from 'kysely'
import { entriesAfter, listingIdByName, listingsOfEntries, removalsOfEntries, storedFetchesAfter, versionsOfEntries } from '../db/archive.ts'
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

/** Every stored fetch in the scope that got a response, in the order stored. */
export async function* pageCaptures(db: Kysely<Database>, scope: ExportScope): AsyncGenerator<PageCapture> {
  const firstCaptures = new Map<string, FirstCapture>()
  let after = 0
  for (;;) {
    const fetches = await storedFetchesAfter(db, scope, after, FETCHES_PER_PAGE)
    const last = fetches.at(-1)
    if (last === undefined) return
    after = last.id
    for (const group of byBodyBytes(fetches, (sha256) => firstCaptures.has(sha256))) {
      const bodies = await readPageBodies(db, [...new Set(group.flatMap((fetch) => (fetch.sha256 !== null && !firstCaptures.has(fetch.sha256) ? [fetch.sha256] : [])))])
      for (const fetch of group) yield capture(fetch, bodies, firstCaptures)
    }
  }
}

function capture(fetch: StoredFetch, bodies: ReadonlyMap<string, Buffer>, firstCaptures: Map<string, FirstCapture>): PageCapture {
  if (fetch.sha256 === null) return { kind: 'empty', fetch }
  const first = firstCaptures.get(fetch.sha256)
  if (first !== undefined) return { kind: 'revisit', fetch, of: first }
  const body = bodies.get(fetch.sha256)
  // content-addressed: a body that does not hash to its address is a damaged store, not an export to write
  if (body === undefined || sha256Hex(body) !== fetch.sha256) throw new Error(`page body ${fetch.sha256} of fetch ${fetch.id} is ${body === undefined ? 'missing' : 'damaged'}`)
  firstCaptures.set(fetch.sha256, { fetchId: fetch.id, url: fetch.url, fetchedAt: fetch.fetchedAt, sha256: fetch.sha256 })
  return { kind: 'body', fetch, body }
}

/** Consecutive groups of fetches whose bodies still to be read add up to at most BODY_BYTES (or one body). */
function byBodyBytes(fetches: readonly StoredFetch[], written: (sha256: string) => boolean): StoredFetch[][] {
  const groups: StoredFetch[][] = []
  let group: StoredFetch[] = []
  let bytes = 0
  const inGroup = new Set<string>()
  for (const fetch of fetches) {
    const size = fetch.sha256 !== null && !written(fetch.sha256) && !inGroup.has(fetch.sha256) ? (fetch.bodySize ?? 0) : 0
    if (group.length > 0 && size > 0 && bytes + size > BODY_BYTES) {
      groups.push(group)
      group = []
      bytes = 0
      inGroup.clear()
    }
    group.push(fetch)
    bytes += size
    if (size > 0 && fetch.sha256 !== null) inGroup.add(fetch.sha256)
  }
  if (group.length > 0) groups.push(group)
  return groups
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
    const versions = groupBy(await versionsOfEntries(db, ids, scope.until), (version) => version.entryId)
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
        versions: (versions.get(entry.id) ?? []).map(({ validity, fields }) => ({ validity, fields })),
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
