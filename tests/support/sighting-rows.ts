// Seeds write sightings as rows per run, the way they read (the `sighting` view): these turn
// such rows into the ranges stored, as the sighting-ranges migration turned the old table.
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Database } from '../../db/schema.ts'

/**
 * Stores the sightings `rows` selects (columns run_id, listing_id, entry_id, page_fetch_id,
 * page_number, position; one row a slot and run) as ranges. Every row's run must have read its
 * page (a 'fetched' page fetch of that run, listing and page), or the view will not show it.
 */
export async function insertSightingRows(db: Kysely<Database>, rows: RawBuilder<unknown>): Promise<void> {
  await sql`
    with seeded as (${rows}), reads as (
      select run_id, listing_id, page_number, row_number() over (partition by listing_id, page_number order by run_id) as read_no
      from (select distinct run_id, listing_id, page_number from page_fetch where outcome = 'fetched') r
    ), numbered as (
      select s.*, r.read_no,
        r.read_no - row_number() over (partition by s.listing_id, s.page_number, s.position, s.entry_id order by s.run_id) as island
      from seeded s join reads r using (run_id, listing_id, page_number)
    ), islands as (
      select listing_id, page_number, position, entry_id, min(run_id) as first_run, max(read_no) as last_read,
        (array_agg(page_fetch_id order by run_id))[1] as first_page_fetch_id
      from numbered group by listing_id, page_number, position, entry_id, island
    )
    insert into sighting_range (listing_id, page_number, position, entry_id, first_run, end_run, first_page_fetch_id)
    select i.listing_id, i.page_number, i.position, i.entry_id, i.first_run, n.run_id, i.first_page_fetch_id
    from islands i left join reads n on n.listing_id = i.listing_id and n.page_number = i.page_number and n.read_no = i.last_read + 1`.execute(db)
}
