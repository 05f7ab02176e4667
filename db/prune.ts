// What `eurowatch prune --keep-raw-pages` may drop: raw page bodies nothing kept needs. Kept are
// (1) every body fetched at or after the cutoff, (2) the body of the latest read of every
// listing page (the page as it stands: what a conditional request would reuse), and (3) the
// body of every page an entry version was read from (the first read, in the version's first run,
// of a page that showed the entry). Everything else older than the cutoff goes: the bodies of
// failed, unhealthy and superseded pages, and of reads that only extended or moved sightings.
// Fetch rows, entries, versions and sighting ranges are never touched; a fetch keeps its digest.
import { sql, type Kysely } from 'kysely'
import type { Database } from './schema.ts'

type Db = Kysely<Database>

export interface PrunableBody {
  sha256: string
  /** Uncompressed size. */
  size: number
  /** Bytes the compressed body takes. */
  stored: number
  /** The last fetch that brought it, when one did. */
  lastFetchedAt: Date | null
  lastUrl: string | null
}

const prunable = (cutoff: Date) => sql`
  select b.sha256, b.size, octet_length(b.body) as stored, last.fetched_at as "lastFetchedAt", last.url as "lastUrl"
  from page_body b
  left join lateral (select f.fetched_at, f.url from page_fetch f where f.body_sha256 = b.sha256 order by f.fetched_at desc, f.id desc limit 1) last on true
  where b.created_at < ${cutoff}
    and (last.fetched_at is null or last.fetched_at < ${cutoff})
    and not exists (
      select 1 from (select distinct on (f.listing_id, f.page_number) f.body_sha256 from page_fetch f
                     where f.outcome = 'fetched' order by f.listing_id, f.page_number, f.run_id desc, f.id) latest
      where latest.body_sha256 = b.sha256)
    and not exists (
      select 1 from entry_version v
      join sighting s on s.entry_id = v.entry_id and s.run_id = v.valid_from_run
      join page_fetch f on f.id = s.page_fetch_id
      where f.body_sha256 = b.sha256)`

/** The bodies a prune with this cutoff would drop, oldest last fetch first. */
export async function prunableBodies(db: Db, cutoff: Date): Promise<PrunableBody[]> {
  const { rows } = await sql<PrunableBody>`select * from (${prunable(cutoff)}) p order by "lastFetchedAt" nulls first, sha256`.execute(db)
  return rows.map((row) => ({ ...row, size: Number(row.size), stored: Number(row.stored) }))
}

/** Drops them, in one statement; returns what went. */
export async function dropPrunableBodies(db: Db, cutoff: Date): Promise<PrunableBody[]> {
  const { rows } = await sql<PrunableBody>`
    with gone as (${prunable(cutoff)}), deleted as (delete from page_body b using gone where b.sha256 = gone.sha256 returning b.sha256)
    select gone.* from gone join deleted using (sha256) order by "lastFetchedAt" nulls first, sha256`.execute(db)
  return rows.map((row) => ({ ...row, size: Number(row.size), stored: Number(row.stored) }))
}
