// Entry, version and sighting queries: one statement per batch of rows under the bind-parameter
// limit (db/batches.ts), whatever the number of entries on a page.
import { sql, type Kysely } from 'kysely'
import type { VersionFields } from '../domain/versioning.ts'
import { batchesOf } from './batches.ts'
import type { Database, EntryVersion } from './schema.ts'

export interface UpsertedEntry {
  id: number
  entryKey: string
  /** Inserted by this statement (first seen now), not merely updated. */
  inserted: boolean
}

/**
 * Inserts unknown keys and moves `last_seen_run` forward on known ones. Duplicate keys are
 * folded first (Postgres refuses to update one row twice in a statement), and keys are sorted
 * so concurrent writers lock entry rows in the same order (no deadlock). The row locks taken
 * here are held to the end of the transaction: they serialize version writes per entry.
 */
export async function upsertEntries(db: Kysely<Database>, runId: number, keys: readonly string[]): Promise<UpsertedEntry[]> {
  const unique = [...new Set(keys)].sort()
  const upserted: UpsertedEntry[] = []
  // batches in key order keep the lock order
  for (const batch of batchesOf(unique, 4)) {
    const rows = await db
      .insertInto('entry')
      .values(batch.map((key) => ({ entry_key: key, first_seen_run: runId, last_seen_run: runId, removed_at: null })))
      .onConflict((oc) => oc.column('entry_key').doUpdateSet({ last_seen_run: sql`greatest(entry.last_seen_run, excluded.last_seen_run)` }))
      // xmax is 0 on a freshly inserted row, the locking transaction's id on an updated one
      .returning(['id', 'entry_key', sql<boolean>`(xmax = 0)`.as('inserted')])
      .execute()
    upserted.push(...rows.map((r) => ({ id: r.id, entryKey: r.entry_key, inserted: r.inserted })))
  }
  return upserted
}

export async function findOpenVersions(db: Kysely<Database>, entryIds: readonly number[]): Promise<EntryVersion[]> {
  const versions: EntryVersion[] = []
  for (const batch of batchesOf(entryIds, 1)) {
    versions.push(...(await db.selectFrom('entry_version').selectAll().where('entry_id', 'in', batch).where('valid_to_run', 'is', null).execute()))
  }
  return versions
}

/** Ends open versions at `runId`: a version holds for valid_from_run <= run < valid_to_run. */
export async function closeVersions(db: Kysely<Database>, versionIds: readonly number[], runId: number, at: Date): Promise<void> {
  for (const batch of batchesOf(versionIds, 1)) {
    await db.updateTable('entry_version').set({ valid_to_run: runId, valid_to: at }).where('id', 'in', batch).where('valid_to_run', 'is', null).execute()
  }
}

export interface VersionToOpen {
  entryId: number
  fields: VersionFields
  /** Superseded within the same run (seen differently on a later page): stored already closed. */
  closed: boolean
}

/** A version's fields as entry_version's columns. */
export function versionColumnsOf(fields: VersionFields) {
  return {
    url: fields.url,
    title: fields.title,
    type: fields.type,
    date: fields.date,
    end_date: fields.endDate,
    themes: fields.themes,
    summary: fields.summary,
    summary_truncated: fields.summaryTruncated,
    document_type: fields.documentType,
  }
}

export async function openVersions(db: Kysely<Database>, versions: readonly VersionToOpen[], runId: number, at: Date): Promise<void> {
  for (const batch of batchesOf(versions, VERSION_COLUMNS)) {
    await db
      .insertInto('entry_version')
      .values(
        batch.map(({ entryId, fields, closed }) => ({
          entry_id: entryId,
          ...versionColumnsOf(fields),
          valid_from_run: runId,
          valid_to_run: closed ? runId : null,
          valid_from: at,
          valid_to: closed ? at : null,
        })),
      )
      .execute()
  }
}

/** Open versions whose cut summary was seen in full: the same version, completed in place (DESIGN.md: no change). */
export async function completeSummaries(db: Kysely<Database>, versions: readonly { versionId: number; summary: string | null; summaryTruncated: boolean }[]): Promise<void> {
  for (const { versionId, summary, summaryTruncated } of versions) {
    await db.updateTable('entry_version').set({ summary, summary_truncated: summaryTruncated }).where('id', '=', versionId).where('valid_to_run', 'is', null).execute()
  }
}

/** The values openVersions writes per row. */
const VERSION_COLUMNS = 14

/** The columns of a version row that hold its fields. */
export type VersionColumns = Pick<EntryVersion, 'url' | 'title' | 'type' | 'date' | 'end_date' | 'themes' | 'summary' | 'summary_truncated' | 'document_type'>

export function versionFieldsOf(row: VersionColumns): VersionFields {
  return {
    url: row.url,
    title: row.title,
    type: row.type,
    date: row.date,
    endDate: row.end_date,
    themes: row.themes,
    summary: row.summary,
    summaryTruncated: row.summary_truncated,
    documentType: row.document_type,
  }
}

/** One read of a listing page: every entry it showed, at its 1-based position in the listing. */
export interface PageSightings {
  runId: number
  listingId: number
  pageNumber: number
  /** The page fetch read: a stored 'fetched' fetch of this run, listing and page. */
  pageFetchId: number
  sightings: readonly { entryId: number; position: number }[]
}

interface OpenRange {
  /** null for a range opened by this call. */
  id: number | null
  entryId: number
  firstRun: number
}

/**
 * Records what reads of listing pages showed, as sighting ranges: a slot that shows the entry it
 * showed at the page's previous read extends that range (nothing is written); a slot that shows
 * another entry, or none, ends it at this run; a new one opens a range. A page already read in
 * this run only fills the slots its first read left empty. An unchanged page writes nothing, so a
 * reused page (a 304) costs its page fetch row alone, whether or not this is called for it.
 * Several pages per call, a few statements in all. Returns per page the sightings of its run it recorded.
 */
export async function recordPageSightings(db: Kysely<Database>, pages: readonly PageSightings[]): Promise<number[]> {
  if (pages.length === 0) return []
  const read = JSON.stringify(pages.map((page) => ({ run: page.runId, listing: page.listingId, page: page.pageNumber })))
  const open = await sql<{ id: number; listing_id: number; page_number: number; position: number; entry_id: number; first_run: number }>`
    select r.id, r.listing_id, r.page_number, r.position, r.entry_id, r.first_run
    from sighting_range r
    where r.end_run is null
      and (r.listing_id, r.page_number) in (select distinct listing, page from jsonb_to_recordset(${read}::jsonb) as x(run int, listing int, page int))`.execute(db)
  const firstReads = await sql<{ run_id: number; listing_id: number; page_number: number; first: number }>`
    select f.run_id, f.listing_id, f.page_number, min(f.id) as first
    from page_fetch f
    where f.outcome = 'fetched'
      and (f.run_id, f.listing_id, f.page_number) in (select distinct run, listing, page from jsonb_to_recordset(${read}::jsonb) as x(run int, listing int, page int))
    group by f.run_id, f.listing_id, f.page_number`.execute(db)
  const pageKey = (listingId: number, pageNumber: number): string => `${listingId}:${pageNumber}`
  const firstReadOf = new Map(firstReads.rows.map((row) => [`${row.run_id}:${pageKey(row.listing_id, row.page_number)}`, Number(row.first)]))
  const openByPage = new Map<string, Map<number, OpenRange>>()
  for (const row of open.rows) {
    const key = pageKey(row.listing_id, row.page_number)
    const slots = openByPage.get(key) ?? new Map<number, OpenRange>()
    slots.set(row.position, { id: row.id, entryId: row.entry_id, firstRun: row.first_run })
    openByPage.set(key, slots)
  }

  const toEnd: { id: number; runId: number }[] = []
  const toOpen: (PageSightings['sightings'][number] & { runId: number; listingId: number; pageNumber: number; pageFetchId: number })[] = []
  const recorded = pages.map((page) => {
    const key = pageKey(page.listingId, page.pageNumber)
    const slots = openByPage.get(key) ?? new Map<number, OpenRange>()
    openByPage.set(key, slots)
    // a slot listed twice on one read: the first listing holds it, as the per-run rows did
    const shown = new Map<number, number>()
    for (const { position, entryId } of page.sightings) if (!shown.has(position)) shown.set(position, entryId)
    const first = firstReadOf.get(`${page.runId}:${key}`)
    const isFirstRead = first === undefined || first === page.pageFetchId
    let count = 0
    if (isFirstRead) {
      for (const [position, range] of slots) {
        if (shown.get(position) === range.entryId) {
          count += 1
          shown.delete(position)
        } else {
          if (range.id !== null) toEnd.push({ id: range.id, runId: page.runId })
          slots.delete(position)
        }
      }
    } else {
      for (const position of slots.keys()) shown.delete(position)
    }
    for (const [position, entryId] of shown) {
      slots.set(position, { id: null, entryId, firstRun: page.runId })
      toOpen.push({ runId: page.runId, listingId: page.listingId, pageNumber: page.pageNumber, pageFetchId: page.pageFetchId, position, entryId })
      count += 1
    }
    return count
  })

  for (const runId of new Set(toEnd.map((range) => range.runId))) {
    const ids = toEnd.filter((range) => range.runId === runId).map((range) => range.id)
    for (const batch of batchesOf(ids, 1)) await db.updateTable('sighting_range').set({ end_run: runId }).where('id', 'in', batch).execute()
  }
  for (const batch of batchesOf(toOpen, 6)) {
    await db
      .insertInto('sighting_range')
      .values(
        batch.map((s) => ({
          listing_id: s.listingId,
          page_number: s.pageNumber,
          position: s.position,
          entry_id: s.entryId,
          first_run: s.runId,
          end_run: null,
          first_page_fetch_id: s.pageFetchId,
        })),
      )
      .execute()
  }
  return recorded
}
