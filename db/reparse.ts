// What `eurowatch reparse` reads and writes: stored listing pages in a scope with the sightings
// they gave and the version each sighted entry had in that run; then corrections of versions,
// whose recorded fields and validity are kept in version_correction (nothing recorded is lost).
import { sql, type Kysely } from 'kysely'
import type { VersionFields } from '../domain/versioning.ts'
import { batchesOf } from './batches.ts'
import { versionColumnsOf, versionFieldsOf } from './entries.ts'
import type { Database, EntryVersion, RecordedVersion } from './schema.ts'

type Db = Kysely<Database>

export interface ReparseScope {
  runId: number | null
  since: Date | null
  listingId: number | null
}

export interface StoredListingPage {
  id: number
  runId: number
  listingId: number
  source: string
  pageNumber: number
  url: string
  headers: Record<string, string>
  charset: string | null
  sha256: string
  fetchedAt: Date
}

/** Pages read into entries when fetched (outcome 'fetched', with a body) in the scope, after fetch `afterId`, in the order stored. */
export async function storedListingPagesAfter(db: Db, scope: ReparseScope, afterId: number, limit: number): Promise<StoredListingPage[]> {
  const rows = await db
    .selectFrom('page_fetch as p')
    .innerJoin('listing as l', 'l.id', 'p.listing_id')
    .select(['p.id', 'p.run_id', 'p.listing_id', 'l.source_id', 'p.page_number', 'p.url', 'p.headers', 'p.charset', 'p.body_sha256', 'p.fetched_at'])
    .where('p.id', '>', afterId)
    .where('p.outcome', '=', 'fetched')
    .where('p.body_sha256', 'is not', null)
    .$if(scope.runId !== null, (qb) => qb.where('p.run_id', '=', scope.runId as number))
    .$if(scope.since !== null, (qb) => qb.where('p.fetched_at', '>=', scope.since as Date))
    .$if(scope.listingId !== null, (qb) => qb.where('p.listing_id', '=', scope.listingId as number))
    .orderBy('p.id')
    .limit(limit)
    .execute()
  return rows.map((row) => ({
    id: row.id,
    runId: row.run_id,
    listingId: row.listing_id,
    source: row.source_id,
    pageNumber: row.page_number,
    url: row.url,
    headers: row.headers ?? {},
    charset: row.charset,
    sha256: row.body_sha256 ?? '',
    fetchedAt: row.fetched_at,
  }))
}

export interface RecordedSighting {
  pageFetchId: number
  runId: number
  position: number
  entryId: number
  entryKey: string
  version: EntryVersion
}

/** The sightings these fetches gave, in page and position order, each with the version its entry had in the sighting's run. */
export async function recordedSightings(db: Db, pageFetchIds: readonly number[]): Promise<RecordedSighting[]> {
  if (pageFetchIds.length === 0) return []
  const rows = await db
    .selectFrom('sighting as s')
    .innerJoin('entry as e', 'e.id', 's.entry_id')
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('entry_version as v')
          .selectAll('v')
          .whereRef('v.entry_id', '=', 's.entry_id')
          .whereRef('v.valid_from_run', '<=', 's.run_id')
          .where((w) => w.or([w('v.valid_to_run', 'is', null), w('v.valid_to_run', '>', w.ref('s.run_id'))]))
          .orderBy('v.valid_from_run', 'desc')
          .orderBy('v.id', 'desc')
          .limit(1)
          .as('v'),
      (join) => join.onTrue(),
    )
    .selectAll('v')
    .select(['s.page_fetch_id', 's.run_id', 's.position', 'e.entry_key'])
    .where('s.page_fetch_id', '=', sql<number>`any(${[...pageFetchIds]}::int[])`)
    .orderBy('s.page_fetch_id')
    .orderBy('s.position')
    .execute()
  return rows.map(({ page_fetch_id, run_id, position, entry_key, ...version }) => ({
    pageFetchId: page_fetch_id,
    runId: run_id,
    position,
    entryId: version.entry_id,
    entryKey: entry_key,
    version,
  }))
}

/** A later part of a corrected version: the runs from `fromRun` on read differently. */
export interface VersionSplit {
  fromRun: number
  from: Date
  fields: VersionFields
}

export interface CorrectionToApply {
  version: EntryVersion
  /** The version's corrected fields (for its runs before the first split). */
  fields: VersionFields
  /** Later parts, in run order: each a version of its own, the last one ending where the corrected version ended. */
  splits: VersionSplit[]
}

/** Applies corrections in the caller's transaction: each version updated in place, its record kept, its later parts inserted; a few statements a batch. */
export async function applyCorrections(db: Db, corrections: readonly CorrectionToApply[], at: Date): Promise<void> {
  const planned = corrections.map(({ version, fields, splits }) => {
    const first = splits[0]
    const validTo = first === undefined ? version.valid_to : first.from
    const before: RecordedVersion = { origin: version.origin, fields: versionFieldsOf(version), validToRun: version.valid_to_run, validTo: version.valid_to?.toISOString() ?? null }
    const after: RecordedVersion = { origin: 'reparse', fields, validToRun: first === undefined ? version.valid_to_run : first.fromRun, validTo: validTo?.toISOString() ?? null }
    return { version, fields, splits, before, after, validTo }
  })
  for (const batch of batchesOf(planned, 4)) {
    await db
      .insertInto('version_correction')
      .values(batch.map(({ version, before, after }) => ({ version_id: version.id, corrected_at: at, before: JSON.stringify(before), after: JSON.stringify(after) })))
      .execute()
  }
  for (const batch of batchesOf(planned, 12)) {
    const rows = batch.map(({ version, fields, after, validTo }) => {
      const c = versionColumnsOf(fields)
      return sql`(${version.id}::int, ${c.url}::text, ${c.title}::text, ${c.type}::text, ${c.date}::text, ${c.end_date}::text, ${c.themes}::text[], ${c.summary}::text, ${c.summary_truncated}::boolean, ${c.document_type}::text, ${after.validToRun}::int, ${validTo}::timestamptz)`
    })
    await sql`
      update entry_version v set url = x.url, title = x.title, type = x.type, date = x.date, end_date = x.end_date, themes = x.themes, summary = x.summary,
        summary_truncated = x.summary_truncated, document_type = x.document_type, valid_to_run = x.valid_to_run, valid_to = x.valid_to,
        origin = 'reparse', corrected_at = ${at}::timestamptz
      from (values ${sql.join(rows)}) as x(id, url, title, type, date, end_date, themes, summary, summary_truncated, document_type, valid_to_run, valid_to)
      where v.id = x.id`.execute(db)
  }
  const parts = planned.flatMap(({ version, splits }) =>
    splits.map((split, index) => {
      const next = splits[index + 1]
      return {
        entry_id: version.entry_id,
        ...versionColumnsOf(split.fields),
        valid_from_run: split.fromRun,
        valid_from: split.from,
        valid_to_run: next === undefined ? version.valid_to_run : next.fromRun,
        valid_to: next === undefined ? version.valid_to : next.from,
        origin: 'reparse' as const,
        corrected_at: at,
      }
    }),
  )
  for (const batch of batchesOf(parts, 16)) await db.insertInto('entry_version').values(batch).execute()
}


export interface VersionCorrectionRow {
  versionId: number
  at: Date
  before: RecordedVersion
  after: RecordedVersion
}

/** The corrections of these versions, oldest first. */
export async function correctionsOfVersions(db: Db, versionIds: readonly number[]): Promise<VersionCorrectionRow[]> {
  if (versionIds.length === 0) return []
  const rows = await db
    .selectFrom('version_correction')
    .selectAll()
    .where('version_id', '=', sql<number>`any(${[...versionIds]}::int[])`)
    .orderBy('corrected_at')
    .orderBy('id')
    .execute()
  return rows.map((row) => ({ versionId: row.version_id, at: row.corrected_at, before: row.before, after: row.after }))
}
