// Reading the change events of a run back as the domain's ChangeEvent, for reports.
import type { Kysely } from 'kysely'
import type { ChangeEvent } from '../src/domain/change'
import type { Database } from './schema'

/** Every change event of run R, in the order they were recorded. */
export async function loadRunEvents(db: Kysely<Database>, runId: number): Promise<ChangeEvent[]> {
  const rows = await db
    .selectFrom('change_event as ce')
    .innerJoin('entry as e', 'e.id', 'ce.entry_id')
    .innerJoin('entry_version as v', 'v.id', 'ce.version_id')
    .leftJoin('listing as l', 'l.id', 'ce.listing_id')
    .select([
      'ce.id', 'ce.run_id', 'ce.kind', 'ce.changes', 'ce.created_at', 'e.entry_key', 'v.url', 'v.title', 'v.type', 'v.date',
      'v.end_date', 'v.themes', 'v.summary', 'v.document_type', 'l.source_id', 'l.url as listing_url',
    ])
    .where('ce.run_id', '=', runId)
    .orderBy('ce.id')
    .execute()
  return rows.map((row) => ({
    id: row.id,
    runId: row.run_id,
    kind: row.kind,
    listing: row.source_id === null || row.listing_url === null ? null : { source: row.source_id, url: row.listing_url },
    entry: {
      key: row.entry_key,
      url: row.url,
      title: row.title,
      type: row.type,
      date: row.date,
      endDate: row.end_date,
      themes: row.themes,
      summary: row.summary,
      documentType: row.document_type,
    },
    changes: row.changes,
    detectedAt: row.created_at,
  }))
}
