import { sql, type Kysely } from 'kysely'
import type { ListingBaseline } from '../domain/health.ts'
import type { Database } from './schema.ts'

/**
 * Each listing's baseline from its latest complete crawl before `runId`: page size, entry and page
 * counts, and how often each field was present (fields of the version valid in that run).
 */
export async function listingBaselines(db: Kysely<Database>, listingIds: readonly number[], runId: number): Promise<Map<number, ListingBaseline>> {
  if (listingIds.length === 0) return new Map()
  const { rows } = await sql<{
    listing_id: number
    entries: number
    per_page: number
    pages: number
    title: number
    date: number
    type: number
    summary: number
  }>`
    with last_complete as (
      select listing_id, max(run_id) as run_id
      from listing_crawl
      where status = 'complete' and run_id < ${runId} and listing_id in (${sql.join([...listingIds])})
      group by listing_id
    ),
    seen as (
      select s.listing_id, s.page_number, v.title, v.date, v.type, v.summary
      from last_complete c
      join sighting s on s.listing_id = c.listing_id and s.run_id = c.run_id
      join entry_version v on v.entry_id = s.entry_id and v.valid_from_run <= c.run_id and (v.valid_to_run is null or v.valid_to_run > c.run_id)
    ),
    pages as (
      select listing_id, max(n)::int as per_page, count(*)::int as pages
      from (select listing_id, page_number, count(*) as n from seen group by listing_id, page_number) p group by listing_id
    )
    select seen.listing_id, count(*)::int as entries, pages.per_page, pages.pages,
      avg((title is not null)::int)::float8 as title, avg((date is not null)::int)::float8 as date,
      avg((type is not null)::int)::float8 as type, avg((summary is not null)::int)::float8 as summary
    from seen join pages using (listing_id)
    group by seen.listing_id, pages.per_page, pages.pages
  `.execute(db)
  return new Map(
    rows.map((row) => [
      row.listing_id,
      {
        entriesPerPage: row.per_page,
        entries: row.entries,
        pages: row.pages,
        presence: { title: row.title, date: row.date, type: row.type, summary: row.summary },
      },
    ]),
  )
}

/** The canonical URL of a page of the listing's latest complete crawl before `runId`, if it had that page. */
export async function baselinePageUrl(db: Kysely<Database>, listingId: number, runId: number, pageNumber: number): Promise<string | null> {
  const { rows } = await sql<{ url: string }>`
    select pf.url from page_fetch pf
    where pf.listing_id = ${listingId} and pf.page_number = ${pageNumber}
      and pf.run_id = (select max(run_id) from listing_crawl where listing_id = ${listingId} and status = 'complete' and run_id < ${runId})
    order by pf.id desc limit 1`.execute(db)
  return rows[0]?.url ?? null
}
