// What reports and history read: change and health events by runs or by date, runs, and one
// entry's versions with when each was seen. Read-only; one statement per question.
import { sql, type Kysely, type Selectable } from 'kysely'
import type { ChangeEvent, FieldChange, HealthEvent } from '../domain/change.ts'
import type { Database, EntryVersionTable, RunStatus } from './schema.ts'
import { detailOfJsonRow, type EntryDetailJsonRow } from './details.ts'

type Db = Kysely<Database>

/** Runs are picked by id, or as every run started at or after a time. */
export type RunFilter = { runIds: readonly number[] } | { since: Date }

type EventFilter = RunFilter | { eventIds: readonly number[] }

export interface RunInfo {
  id: number
  status: RunStatus
  startedAt: Date
  finishedAt: Date | null
  /** null until the diff job has recorded the run's changes. */
  diffedAt: Date | null
}

export async function latestRunId(db: Db): Promise<number | null> {
  const row = await db.selectFrom('crawl_run').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst()
  return row?.id ?? null
}

/** The runs found among `ids`, oldest first; missing ids are simply absent. */
export async function runsByIds(db: Db, ids: readonly number[]): Promise<RunInfo[]> {
  if (ids.length === 0) return []
  return selectRuns(db).where('id', 'in', [...ids]).execute()
}

export async function runsSince(db: Db, since: Date): Promise<RunInfo[]> {
  return selectRuns(db).where('started_at', '>=', since).execute()
}

function selectRuns(db: Db) {
  return db
    .selectFrom('crawl_run')
    .select(['id', 'status', 'started_at as startedAt', 'finished_at as finishedAt', 'diffed_at as diffedAt'])
    .orderBy('id')
}

/** Change events of runs started at or after `since` (a run diffed late still counts by its start). */
export async function eventsSince(db: Db, since: Date): Promise<ChangeEvent[]> {
  return loadEvents(db, { since })
}

export async function eventsOfRuns(db: Db, runIds: readonly number[]): Promise<ChangeEvent[]> {
  return runIds.length === 0 ? [] : loadEvents(db, { runIds })
}

/** The events with these ids (an outbox message's), in run order then id. */
export async function eventsByIds(db: Db, eventIds: readonly number[]): Promise<ChangeEvent[]> {
  return eventIds.length === 0 ? [] : loadEvents(db, { eventIds })
}

export async function healthSince(db: Db, since: Date): Promise<HealthEvent[]> {
  return loadHealth(db, { since })
}

export async function healthOfRuns(db: Db, runIds: readonly number[]): Promise<HealthEvent[]> {
  return runIds.length === 0 ? [] : loadHealth(db, { runIds })
}

interface SeenOnRow {
  source: string
  url: string
  position: number | null
}

/** A change event as reports read it: what `eventColumns` selects (the event, its entry's key, its version's fields, its listing). */
export interface EventRow extends Pick<Selectable<EntryVersionTable>, 'url' | 'title' | 'type' | 'date' | 'end_date' | 'themes' | 'summary' | 'document_type'> {
  id: number
  run_id: number
  kind: ChangeEvent['kind']
  changes: FieldChange[]
  created_at: Date
  baseline: boolean
  entry_key: string
  source_id: string | null
  listing_url: string | null
  detail: EntryDetailJsonRow | null
  seen_on: SeenOnRow[]
}

/**
 * The columns of `EventRow`, read from change events `ce` (the table, or the rows an INSERT returned)
 * joined as `eventJoins` joins them: the diff returns what it inserts in the shape reports read.
 */
export const eventColumns = sql`ce.id, ce.run_id, ce.kind, ce.changes, ce.created_at, ce.baseline, e.entry_key, v.url, v.title, v.type, v.date,
  v.end_date, v.themes, v.summary, v.document_type, l.source_id, l.url as listing_url,
  (select to_jsonb(d) from entry_detail d where d.version_id = ce.version_id) as detail,
  -- where the entry stood in each listing that showed it in the run; a removal: where it was last
  case when ce.kind = 'removed' then
    case when ce.listing_id is null then '[]'::jsonb else jsonb_build_array(jsonb_build_object('source', l.source_id, 'url', l.url, 'position',
      (select s.position from sighting s where s.entry_id = ce.entry_id and s.listing_id = ce.listing_id order by s.run_id desc, s.position limit 1))) end
    else (select coalesce(jsonb_agg(jsonb_build_object('source', x.source_id, 'url', x.url, 'position', x.position) order by x.source_id), '[]'::jsonb)
      from (select sl.source_id, sl.url, min(s.position) as position from sighting s join listing sl on sl.id = s.listing_id
            where s.run_id = ce.run_id and s.entry_id = ce.entry_id group by sl.source_id, sl.url) x)
    end as seen_on`

export const eventJoins = sql`join entry e on e.id = ce.entry_id join entry_version v on v.id = ce.version_id left join listing l on l.id = ce.listing_id`

/** In run order, then in the order the diff recorded them. */
async function loadEvents(db: Db, filter: EventFilter): Promise<ChangeEvent[]> {
  const where =
    'since' in filter ? sql`r.started_at >= ${filter.since}` : 'runIds' in filter ? sql`ce.run_id = any(${[...filter.runIds]}::int[])` : sql`ce.id = any(${[...filter.eventIds]}::int[])`
  const result = await sql<EventRow>`
    select ${eventColumns}
    from change_event ce join crawl_run r on r.id = ce.run_id ${eventJoins}
    where ${where}
    order by ce.run_id, ce.id`.execute(db)
  return result.rows.map(changeEventOf)
}

export function changeEventOf(row: EventRow): ChangeEvent {
  return {
    id: row.id,
    runId: row.run_id,
    kind: row.kind,
    listing: row.source_id === null || row.listing_url === null ? null : { source: row.source_id, url: row.listing_url },
    seenOn: row.seen_on.map((seen) => ({ listing: { source: seen.source, url: seen.url }, position: seen.position ?? 0 })),
    baseline: row.baseline,
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
    detail: row.detail === null ? null : detailOfJsonRow(row.detail),
    changes: row.changes,
    detectedAt: row.created_at,
  }
}

async function loadHealth(db: Db, filter: RunFilter): Promise<HealthEvent[]> {
  const rows = await db
    .selectFrom('health_event as h')
    .innerJoin('crawl_run as r', 'r.id', 'h.run_id')
    .innerJoin('listing as l', 'l.id', 'h.listing_id')
    .leftJoin('page_fetch as p', 'p.id', 'h.page_fetch_id')
    .select(['h.id', 'h.run_id', 'h.problem', 'h.message', 'h.created_at', 'l.source_id', 'l.url as listing_url', 'p.url as page_url'])
    .where((eb) => ('since' in filter ? eb('r.started_at', '>=', filter.since) : eb('h.run_id', 'in', [...filter.runIds])))
    .orderBy('h.run_id')
    .orderBy('h.id')
    .execute()
  return rows.map((row) => ({
    id: row.id,
    runId: row.run_id,
    listing: { source: row.source_id, url: row.listing_url },
    pageUrl: row.page_url,
    problem: row.problem,
    message: row.message,
    detectedAt: row.created_at,
  }))
}
