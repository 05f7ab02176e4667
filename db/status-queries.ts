// What `eurowatch status` reads: each listing's last crawl, entries missed by a complete crawl
// and not yet reported removed, and the scheduler's heartbeat. Read-only.
import { sql, type Kysely } from 'kysely'
import type { Database, ListingCrawlStatus } from './schema.ts'

type Db = Kysely<Database>

export interface ListingState {
  source: string
  url: string
  lastRun: number | null
  /** 'incremental': its last crawl stopped on a page that brought nothing new. */
  status: ListingCrawlStatus | null
  reason: string | null
  pages: number
  entries: number
  finishedAt: Date | null
  /** When its last complete crawl, a full one, finished: removals and deep changes are judged by these. */
  lastCompleteAt: Date | null
}

export async function listingStates(db: Db): Promise<ListingState[]> {
  const { rows } = await sql<ListingState>`
    select l.source_id as source, l.url, last.run_id as "lastRun", last.status, last.reason, coalesce(last.pages, 0)::int as pages,
      coalesce(last.entries, 0)::int as entries, last.finished_at as "finishedAt",
      (select max(c.finished_at) from listing_crawl c where c.listing_id = l.id and c.status = 'complete') as "lastCompleteAt"
    from listing l
    left join lateral (select * from listing_crawl lc where lc.listing_id = l.id order by lc.run_id desc limit 1) last on true
    order by l.source_id`.execute(db)
  return rows
}

export interface AwaitingRemoval {
  source: string
  key: string
  title: string | null
  url: string
  lastSeenRun: number
  /** Complete crawls of the listing since the entry was last seen. */
  missedCrawls: number
}

/** Entries absent from at least one complete crawl of a listing they were last seen on, not reported removed yet. */
export async function awaitingRemoval(db: Db, limit: number): Promise<{ total: number; entries: AwaitingRemoval[] }> {
  const { rows } = await sql<AwaitingRemoval & { total: number }>`
    with missed as (
      select distinct on (e.id) l.source_id as source, e.entry_key as key, v.title, v.url, e.last_seen_run as "lastSeenRun",
        (select count(*)::int from listing_crawl lc where lc.listing_id = s.listing_id and lc.run_id > e.last_seen_run and lc.status = 'complete') as "missedCrawls"
      from entry e
      join sighting s on s.entry_id = e.id and s.run_id = e.last_seen_run
      join listing l on l.id = s.listing_id
      join entry_version v on v.entry_id = e.id and v.valid_to_run is null
      where e.removed_at is null
        and exists (select 1 from listing_crawl lc where lc.listing_id = s.listing_id and lc.run_id > e.last_seen_run and lc.status = 'complete')
      order by e.id, l.source_id
    )
    select *, count(*) over ()::int as total from missed order by source, "lastSeenRun", key limit ${limit}`.execute(db)
  return { total: rows[0]?.total ?? 0, entries: rows.map(({ total: _total, ...entry }) => entry) }
}

export interface SchedulerState {
  pid: number
  cron: string
  timeZone: string
  nextRunAt: Date | null
  updatedAt: Date
}

export async function schedulerState(db: Db): Promise<SchedulerState | null> {
  const row = await db
    .selectFrom('scheduler')
    .select(['pid', 'cron', 'time_zone as timeZone', 'next_run_at as nextRunAt', 'updated_at as updatedAt'])
    .where('id', '=', 1)
    .executeTakeFirst()
  return row ?? null
}

/** `schedule` says where it stands after every run; null clears it when it stops. */
export async function recordScheduler(db: Db, state: SchedulerState | null): Promise<void> {
  if (state === null) {
    await db.deleteFrom('scheduler').where('id', '=', 1).execute()
    return
  }
  const values = { pid: state.pid, cron: state.cron, time_zone: state.timeZone, next_run_at: state.nextRunAt, updated_at: state.updatedAt }
  await db.insertInto('scheduler').values({ id: 1, ...values }).onConflict((oc) => oc.column('id').doUpdateSet(values)).execute()
}
