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

export async function openVersions(db: Kysely<Database>, versions: readonly VersionToOpen[], runId: number, at: Date): Promise<void> {
  for (const batch of batchesOf(versions, VERSION_COLUMNS)) {
    await db
      .insertInto('entry_version')
      .values(
        batch.map(({ entryId, fields, closed }) => ({
          entry_id: entryId,
          url: fields.url,
          title: fields.title,
          type: fields.type,
          date: fields.date,
          end_date: fields.endDate,
          themes: fields.themes,
          summary: fields.summary,
          summary_truncated: fields.summaryTruncated,
          document_type: fields.documentType,
          valid_from_run: runId,
          valid_to_run: closed ? runId : null,
          valid_from: at,
          valid_to: closed ? at : null,
        })),
      )
      .execute()
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

export interface SightingToRecord {
  runId: number
  listingId: number
  pageFetchId: number
  pageNumber: number
  entryId: number
  position: number
}

/** Records sightings (one statement a batch, for any number of pages); a slot already recorded in this run is left as is. Returns the page fetch of each new one. */
export async function recordSightings(db: Kysely<Database>, sightings: readonly SightingToRecord[]): Promise<number[]> {
  const recorded: number[] = []
  for (const batch of batchesOf(sightings, 6)) {
    const rows = await db
      .insertInto('sighting')
      .values(
        batch.map((s) => ({
          run_id: s.runId,
          listing_id: s.listingId,
          entry_id: s.entryId,
          page_fetch_id: s.pageFetchId,
          page_number: s.pageNumber,
          position: s.position,
        })),
      )
      .onConflict((oc) => oc.columns(['run_id', 'listing_id', 'page_number', 'position']).doNothing())
      .returning('page_fetch_id')
      .execute()
    recorded.push(...rows.map((row) => row.page_fetch_id))
  }
  return recorded
}
