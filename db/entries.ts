// Entry, version and sighting queries: one statement per page, whatever its number of entries.
import { sql, type Kysely } from 'kysely'
import type { VersionFields } from '../domain/versioning.ts'
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
  if (unique.length === 0) return []
  const rows = await db
    .insertInto('entry')
    .values(unique.map((key) => ({ entry_key: key, first_seen_run: runId, last_seen_run: runId, removed_at: null })))
    .onConflict((oc) => oc.column('entry_key').doUpdateSet({ last_seen_run: sql`greatest(entry.last_seen_run, excluded.last_seen_run)` }))
    // xmax is 0 on a freshly inserted row, the locking transaction's id on an updated one
    .returning(['id', 'entry_key', sql<boolean>`(xmax = 0)`.as('inserted')])
    .execute()
  return rows.map((r) => ({ id: r.id, entryKey: r.entry_key, inserted: r.inserted }))
}

export async function findOpenVersions(db: Kysely<Database>, entryIds: readonly number[]): Promise<EntryVersion[]> {
  if (entryIds.length === 0) return []
  return db.selectFrom('entry_version').selectAll().where('entry_id', 'in', [...entryIds]).where('valid_to_run', 'is', null).execute()
}

/** Ends open versions at `runId`: a version holds for valid_from_run <= run < valid_to_run. */
export async function closeVersions(db: Kysely<Database>, versionIds: readonly number[], runId: number, at: Date): Promise<void> {
  if (versionIds.length === 0) return
  await db
    .updateTable('entry_version')
    .set({ valid_to_run: runId, valid_to: at })
    .where('id', 'in', [...versionIds])
    .where('valid_to_run', 'is', null)
    .execute()
}

export interface VersionToOpen {
  entryId: number
  fields: VersionFields
  /** Superseded within the same run (seen differently on a later page): stored already closed. */
  closed: boolean
}

export async function openVersions(db: Kysely<Database>, versions: readonly VersionToOpen[], runId: number, at: Date): Promise<void> {
  if (versions.length === 0) return
  await db
    .insertInto('entry_version')
    .values(
      versions.map(({ entryId, fields, closed }) => ({
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

/** Records sightings (one statement for any number of pages); a slot already recorded in this run is left as is. Returns the page fetch of each new one. */
export async function recordSightings(db: Kysely<Database>, sightings: readonly SightingToRecord[]): Promise<number[]> {
  if (sightings.length === 0) return []
  const rows = await db
    .insertInto('sighting')
    .values(
      sightings.map((s) => ({
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
  return rows.map((row) => row.page_fetch_id)
}
