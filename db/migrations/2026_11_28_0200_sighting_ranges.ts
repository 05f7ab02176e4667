// Frozen once landed: change the schema with a new migration, never by editing this one.
// Sightings become ranges: an entry at the same listing, page and position over consecutive reads
// of that page is one row, open until a read of the page shows that slot otherwise, so an
// unchanged run writes no sighting at all. A read is a page fetch with outcome 'fetched' (its
// entries are stored); "consecutive" means no read of the page in between. The view `sighting`
// gives back one row per run as the table held them: a range is sighted in every run from its
// first to before its end in which the page was read. The conversion is checked against the old
// rows before they are dropped: it fails rather than lose a sighting.
// A fetch keeps the digest of its body after `eurowatch prune --keep-raw-pages` dropped the body:
// the digest no longer references a stored body.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sighting').renameTo('sighting_run').execute()
  await db.schema
    .createTable('sighting_range')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('listing_id', 'integer', (c) => c.notNull().references('listing.id'))
    .addColumn('page_number', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull().check(sql`position >= 1`))
    .addColumn('entry_id', 'integer', (c) => c.notNull().references('entry.id'))
    .addColumn('first_run', 'integer', (c) => c.notNull().references('crawl_run.id'))
    // the run whose read of the page showed the slot otherwise; null while it still shows the entry
    .addColumn('end_run', 'integer', (c) => c.references('crawl_run.id'))
    // the fetch of the first run's read that recorded it; later runs' reads are their page fetches
    .addColumn('first_page_fetch_id', 'integer', (c) => c.notNull().references('page_fetch.id'))
    .addCheckConstraint('sighting_range_runs_check', sql`end_run is null or end_run > first_run`)
    .execute()
  // one open range a slot: what a read of the page compares itself with
  await db.schema
    .createIndex('sighting_range_open_idx')
    .on('sighting_range')
    .columns(['listing_id', 'page_number', 'position'])
    .unique()
    .where(sql.ref('end_run'), 'is', null)
    .execute()
  // "sightings of run R (on listing L)": the run's reads, then the ranges of each page read
  await db.schema.createIndex('sighting_range_page_idx').on('sighting_range').columns(['listing_id', 'page_number', 'first_run']).execute()
  // "sightings of entry E"
  await db.schema.createIndex('sighting_range_entry_idx').on('sighting_range').columns(['entry_id', 'first_run']).execute()
  // "the reads of page P of listing L", from an entry's ranges
  await sql`create index page_fetch_read_idx on page_fetch (listing_id, page_number, run_id) where outcome = 'fetched'`.execute(db)

  await sql`
    with reads as (
      select run_id, listing_id, page_number, row_number() over (partition by listing_id, page_number order by run_id) as read_no
      from (select distinct run_id, listing_id, page_number from page_fetch where outcome = 'fetched') r
    ), numbered as (
      select s.*, r.read_no,
        r.read_no - row_number() over (partition by s.listing_id, s.page_number, s.position, s.entry_id order by s.run_id) as island
      from sighting_run s join reads r using (run_id, listing_id, page_number)
    ), islands as (
      select listing_id, page_number, position, entry_id, min(run_id) as first_run, max(read_no) as last_read,
        (array_agg(page_fetch_id order by run_id))[1] as first_page_fetch_id
      from numbered group by listing_id, page_number, position, entry_id, island
    )
    insert into sighting_range (listing_id, page_number, position, entry_id, first_run, end_run, first_page_fetch_id)
    select i.listing_id, i.page_number, i.position, i.entry_id, i.first_run, n.run_id, i.first_page_fetch_id
    from islands i left join reads n on n.listing_id = i.listing_id and n.page_number = i.page_number and n.read_no = i.last_read + 1
    order by i.first_run, i.listing_id, i.page_number, i.position`.execute(db)

  await createView(db)
  const { rows } = await sql<{ missing: number; extra: number }>`
    select
      (select count(*)::int from (select run_id, listing_id, entry_id, page_fetch_id, page_number, position from sighting_run
                                  except all select run_id, listing_id, entry_id, page_fetch_id, page_number, position from sighting) m) as missing,
      (select count(*)::int from (select run_id, listing_id, entry_id, page_fetch_id, page_number, position from sighting
                                  except all select run_id, listing_id, entry_id, page_fetch_id, page_number, position from sighting_run) x) as extra`.execute(db)
  const check = rows[0]
  if (check === undefined || check.missing !== 0 || check.extra !== 0) {
    throw new Error(`sightings as ranges would not read back as stored (${check?.missing} missing, ${check?.extra} extra): nothing changed`)
  }
  await db.schema.dropTable('sighting_run').execute()
  await db.schema.alterTable('page_fetch').dropConstraint('page_fetch_body_sha256_fkey').execute()
}

// A read of a page is its first 'fetched' fetch in the run; a second read in the same run only
// fills slots the first left empty (as the per-run rows did: the first sighting of a slot won).
async function createView(db: Kysely<any>): Promise<void> {
  await sql`
    create view sighting as
    select r.id as range_id, f.run_id, r.listing_id, r.entry_id,
      case when f.run_id = r.first_run then r.first_page_fetch_id else f.id end as page_fetch_id,
      r.page_number, r.position
    from sighting_range r
    join page_fetch f on f.listing_id = r.listing_id and f.page_number = r.page_number and f.outcome = 'fetched'
      and f.run_id >= r.first_run and (r.end_run is null or f.run_id < r.end_run)
    where not exists (
      select 1 from page_fetch g
      where g.run_id = f.run_id and g.listing_id = f.listing_id and g.page_number = f.page_number and g.outcome = 'fetched' and g.id < f.id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update page_fetch set body_sha256 = null where body_sha256 not in (select sha256 from page_body)`.execute(db)
  await db.schema.alterTable('page_fetch').addForeignKeyConstraint('page_fetch_body_sha256_fkey', ['body_sha256'], 'page_body', ['sha256']).execute()
  await sql`
    create table sighting_run as
    select row_number() over (order by run_id, listing_id, page_number, position)::int as id, run_id, listing_id, entry_id, page_fetch_id, page_number, position
    from sighting`.execute(db)
  await sql`drop view sighting`.execute(db)
  await db.schema.dropTable('sighting_range').execute()
  await sql`drop index page_fetch_read_idx`.execute(db)
  await db.schema.alterTable('sighting_run').renameTo('sighting').execute()
}
