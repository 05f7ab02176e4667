// What reports and history read: change and health events by runs or by date, runs, and one
// entry's versions with when each was seen. Read-only; one statement per question.
import { sql, type Kysely } from 'kysely'
import type { ChangeEvent, HealthEvent } from '../domain/change.ts'
import type { Database, RunStatus } from './schema.ts'
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

/** In run order, then in the order the diff recorded them. */
async function loadEvents(db: Db, filter: EventFilter): Promise<ChangeEvent[]> {
  const rows = await db
    .selectFrom('change_event as ce')
    .innerJoin('crawl_run as r', 'r.id', 'ce.run_id')
    .innerJoin('entry as e', 'e.id', 'ce.entry_id')
    .innerJoin('entry_version as v', 'v.id', 'ce.version_id')
    .leftJoin('listing as l', 'l.id', 'ce.listing_id')
    .select([
      'ce.id', 'ce.run_id', 'ce.kind', 'ce.changes', 'ce.created_at', 'e.entry_key', 'v.url', 'v.title', 'v.type', 'v.date',
      'v.end_date', 'v.themes', 'v.summary', 'v.document_type', 'l.source_id', 'l.url as listing_url', 'ce.baseline',
      sql<EntryDetailJsonRow | null>`(select to_jsonb(d) from entry_detail d where d.version_id = ce.version_id)`.as('detail'),
      // where the entry stood in each listing that showed it in the run; a removal: where it was last
      sql<SeenOnRow[]>`case when ce.kind = 'removed' then
        case when ce.listing_id is null then '[]'::jsonb else jsonb_build_array(jsonb_build_object('source', l.source_id, 'url', l.url, 'position',
          (select s.position from sighting s where s.entry_id = ce.entry_id and s.listing_id = ce.listing_id order by s.run_id desc, s.position limit 1))) end
        else (select coalesce(jsonb_agg(jsonb_build_object('source', x.source_id, 'url', x.url, 'position', x.position) order by x.source_id), '[]'::jsonb)
          from (select sl.source_id, sl.url, min(s.position) as position from sighting s join listing sl on sl.id = s.listing_id
                where s.run_id = ce.run_id and s.entry_id = ce.entry_id group by sl.source_id, sl.url) x)
        end`.as('seen_on'),
    ])
    .where((eb) =>
      'since' in filter ? eb('r.started_at', '>=', filter.since) : 'runIds' in filter ? eb('ce.run_id', 'in', [...filter.runIds]) : eb('ce.id', '=', sql<number>`any(${[...filter.eventIds]}::int[])`),
    )
    .orderBy('ce.run_id')
    .orderBy('ce.id')
    .execute()
  return rows.map((row) => ({
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
  }))
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
