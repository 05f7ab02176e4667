// The requests the serve bench measures: each page, its /api/v1 twin, and the db/ function whose
// SQL both run, which the bare baseline serves alone (no rendering, no plugins) and whose
// statements are EXPLAINed.
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { entryPage } from '../db/entry-page.ts'
import { inboxPage, NO_FILTER } from '../db/inbox.ts'
import { searchEntries } from '../db/search.ts'
import { loadListingPage } from '../jobs/listing-page.ts'
import { parseSiteDate } from '../domain/site-dates.ts'

/** What the requests ask for, picked from the data. */
export interface ServeSample {
  entryKey: string
  listing: string
  /** 'YYYY-MM-DD' */
  asOf: string
  /** 'YYYY-MM-DD', the day of the listing's last complete crawl: compared with `asOf`. */
  compareWith: string
  commonWord: string
  rareWord: string
}

export interface ServeRoute {
  name: string
  page: string
  api: string
  /** The SQL of the route, as the route's db/ function runs it. */
  query(db: Kysely<Database>, sample: ServeSample): Promise<unknown>
}

export function serveRoutes(sample: ServeSample): ServeRoute[] {
  const key = encodeURIComponent(sample.entryKey)
  // the day as the page reads it (its end, in the site's zone)
  const dayEnd = (day: string) => parseSiteDate(day, 'end') ?? new Date(`${day}T23:59:59Z`)
  const asOf = dayEnd(sample.asOf)
  const compared = `compare=${sample.asOf}&with=${sample.compareWith}`
  const search = (words: string) => (db: Kysely<Database>) =>
    searchEntries(db, { words, listing: null, type: null, theme: null, year: null, sort: 'relevance', limit: 50, after: null })
  return [
    // the implicit admin `local`, who has read nothing: "since I last looked" is every change
    { name: 'inbox first page', page: '/', api: '/api/v1/changes', query: (db) => inboxPage(db, { reader: 'local', filter: { ...NO_FILTER, unread: true }, before: null, limit: 50 }) },
    { name: 'search common word', page: `/entries?q=${sample.commonWord}`, api: `/api/v1/entries?q=${sample.commonWord}`, query: search(sample.commonWord) },
    { name: 'search rare word', page: `/entries?q=${sample.rareWord}`, api: `/api/v1/entries?q=${sample.rareWord}`, query: search(sample.rareWord) },
    { name: 'entry page', page: `/entries/${key}`, api: `/api/v1/entries/${key}`, query: (db) => entryPage(db, sample.entryKey) },
    {
      name: 'listing as of a date',
      page: `/listings/${sample.listing}?as-of=${sample.asOf}`,
      api: `/api/v1/listings/${sample.listing}?as-of=${sample.asOf}`,
      query: (db) => loadListingPage(db, { source: sample.listing, dates: [{ at: asOf, text: sample.asOf }], crawls: 20, entries: { after: null, limit: 50 } }),
    },
    {
      name: 'listing two dates compared',
      page: `/listings/${sample.listing}?${compared}`,
      api: `/api/v1/listings/${sample.listing}?${compared}`,
      query: (db) =>
        loadListingPage(db, { source: sample.listing, dates: [{ at: asOf, text: sample.asOf }, { at: dayEnd(sample.compareWith), text: sample.compareWith }], crawls: 20, entries: { after: null, limit: 50 } }),
    },
  ]
}

/** The sample of a database the generator made (bench/serve-data.ts), or any other: an entry with versions and its own page's text. */
export async function pickSample(db: Kysely<Database>, words: { commonWord: string; rareWord: string }): Promise<ServeSample> {
  const entry = await sql<{ entry_key: string }>`
    select e.entry_key from entry e
    where e.removed_at is null and exists (select 1 from entry_detail d where d.entry_id = e.id)
      and (select count(*) from entry_version v where v.entry_id = e.id) >= 3
    order by e.entry_key like 'WSPO-%' desc, e.id desc limit 1`.execute(db)
  // the listing with the most entries, as of the day of the middle one of its crawls (a backfill reads no pages here), compared with its last
  const listing = await sql<{ source_id: string; as_of: string | null; compare_with: string | null }>`
    with crawls as (
      select c.listing_id, r.started_at, row_number() over (partition by c.listing_id order by c.run_id) as n, count(*) over (partition by c.listing_id) as total
      from listing_crawl c join crawl_run r on r.id = c.run_id where c.status = 'complete' and r.kind = 'crawl')
    select l.source_id,
      (select to_char(started_at at time zone 'UTC', 'YYYY-MM-DD') from crawls where listing_id = l.id and n = (total + 1) / 2) as as_of,
      (select to_char(started_at at time zone 'UTC', 'YYYY-MM-DD') from crawls where listing_id = l.id and n = total) as compare_with
    from listing l order by (select count(*) from sighting_range s where s.listing_id = l.id) desc, l.id limit 1`.execute(db)
  const entryKey = entry.rows[0]?.entry_key
  const found = listing.rows[0]
  if (entryKey === undefined || found?.as_of == null || found.compare_with === null) throw new Error('pickSample: no entry with versions and a detail text, or no crawled listing')
  return { entryKey, listing: found.source_id, asOf: found.as_of, compareWith: found.compare_with, ...words }
}

/** Where the bare baseline serves a route. */
export function barePath(route: ServeRoute): string {
  return `/bare/${route.name.replaceAll(' ', '-')}`
}
