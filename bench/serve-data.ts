// Bench-only: a large eurowatch history made set-based in SQL (generate_series, INSERT ... SELECT),
// for the serve bench. At 1,000,000 entries: about 3,000,000 versions and 1,000,000 change events.
// Twenty years of weekly runs: the first 90% backfilled from web archives (no change events, as
// backfills are never diffed), the last 180 (three and a half years) crawled, each reading every page of six listings.
// Words and cities (some accented) make titles, summaries and detail-page text a search can find.
import { Migrator, sql, type Kysely } from 'kysely'
import { MIGRATIONS } from '../db/migrate.ts'
import type { Database } from '../db/schema.ts'

/** Bumped whenever the data made here changes: a kept database of another version is made again. */
export const SERVE_DATA_VERSION = 4

export const RUNS = 1040
/** Runs 1..BACKFILL_RUNS are backfills; the rest are crawls. */
export const BACKFILL_RUNS = 860
export const PAGE_SIZE = 100
/** The word that only ten entries' titles hold, whatever the size. */
export const RARE_WORD = 'zeolite'
/** A word of the topic list: in about one title or summary sentence in eight. */
export const COMMON_WORD = 'mobility'
export const LISTINGS = ['news', 'events', 'publications', 'projects', 'statements', 'archive'] as const

/**
 * The schema the generator writes: the migrations up to this one. Later migrations (web users,
 * read marks, search) are applied over the loaded data, as on a real database upgraded, so that
 * their own backfills (the search index) fill their tables set-based whether or not they exist yet.
 */
const BASE_MIGRATION = '2026_12_06_1200_removal_check'

const CITIES = [
  'Łódź', 'Kraków', 'Malmö', 'São Paulo', 'Wrocław', 'Göteborg', 'Zürich', 'Düsseldorf', 'Málaga', 'Córdoba', 'Besançon', 'Reykjavík',
  'Košice', 'Rīga', 'Tallinn', 'Vilnius', 'Utrecht', 'Ghent', 'Bologna', 'Tampere', 'Brno', 'Lyon', 'Nantes', 'Porto', 'Lisbon',
  'Barcelona', 'Milan', 'Vienna', 'Oslo', 'Helsinki', 'Dublin', 'Leipzig', 'Gdańsk', 'Cluj-Napoca', 'Thessaloniki', 'Bratislava',
]
const TOPICS = [
  'mobility', 'climate', 'housing', 'culture', 'energy', 'digital', 'innovation', 'youth', 'migration', 'health', 'education',
  'governance', 'tourism', 'water', 'waste', 'transport',
]
const WORDS = [
  'city', 'council', 'mayor', 'citizens', 'network', 'urban', 'plan', 'strategy', 'project', 'funding', 'partners', 'forum', 'report',
  'neighbourhood', 'green', 'public', 'space', 'cycling', 'heating', 'schools', 'jobs', 'skills', 'inclusion', 'heritage', 'festival',
  'budget', 'data', 'platform', 'pilot', 'results', 'workshop', 'conference', 'declaration', 'agreement', 'recovery', 'resilience',
  'adaptation', 'emissions', 'renovation', 'tram', 'harbour', 'library', 'museum', 'volunteers', 'refugees', 'elderly', 'students',
]
const THEMES = ['culture', 'economy', 'environment', 'mobility', 'social-affairs', 'governance', 'digital', 'urban-development']
const TYPES = ['news', 'event', 'publication', 'project', 'statement', 'news']

export interface ServeDataFigures {
  entries: number
  versions: number
  events: number
  pageFetches: number
  ranges: number
  details: number
  /** The later migrations applied over the data, each with its time. */
  migrations: { name: string; ms: number }[]
  ms: number
}

/** Fills an empty database with `entries` entries and their history. */
export async function generateServeData(db: Kysely<Database>, entries: number): Promise<ServeDataFigures> {
  const started = performance.now()
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS }, allowUnorderedMigrations: true })
  const base = await migrator.migrateTo(BASE_MIGRATION)
  if (base.error !== undefined) throw base.error
  const n = sql.lit(entries)
  const runs = sql.lit(RUNS)
  const backfill = sql.lit(BACKFILL_RUNS)
  const pageSize = sql.lit(PAGE_SIZE)
  const rareEvery = sql.lit(Math.max(1, Math.floor(entries / 10)))
  // a draw in [0, m) for entry i and salt s: stable, spread, cheap
  const draw = (i: string, salt: number, m: number) => sql.raw(`((hashint8(${i}::bigint * 7919 + ${salt}) & 2147483647) % ${m})`)
  const run = (expression: ReturnType<typeof sql>) => expression.execute(db)

  await run(sql`set synchronous_commit = off`)
  // the rows are consistent by construction: their foreign-key checks (one lookup a row and key) are skipped where
  // the role may (a superuser, as the embedded server's); elsewhere they run, slower
  await run(sql`set session_replication_role = replica`).catch(() => undefined)
  await run(sql`
    insert into crawl_run (id, started_at, finished_at, status, kind, diffed_at, printed_at)
    select r, t, t + interval '20 minutes', 'complete', case when r <= ${backfill} then 'backfill' else 'crawl' end, t + interval '21 minutes', t + interval '21 minutes'
    from generate_series(1, ${runs}) r, lateral (select timestamptz '2006-01-02 06:00:00+00' + (r - 1) * interval '7 days' as t) s`)
  await run(sql`select setval(pg_get_serial_sequence('crawl_run', 'id'), ${runs})`)
  await run(sql`
    insert into listing (id, source_id, profile, url)
    select l, (${sql.val([...LISTINGS])}::text[])[l], 'eurocities', 'https://eurocities.eu/latest/' || (${sql.val([...LISTINGS])}::text[])[l] || '/'
    from generate_series(1, ${sql.lit(LISTINGS.length)}) l`)
  await run(sql`select setval(pg_get_serial_sequence('listing', 'id'), ${sql.lit(LISTINGS.length)})`)

  // sentences made once, drawn from by every summary and detail text
  await run(sql`create temporary table gen_sentence (id int primary key, body text not null)`)
  await run(sql`
    insert into gen_sentence
    select s, initcap((${sql.val(WORDS)}::text[])[1 + ${draw('s', 1, WORDS.length)}]) || ' ' ||
      array_to_string(array(
        select case when ${draw('s * 31 + w', 2, 8)} = 0 then (${sql.val(TOPICS)}::text[])[1 + ${draw('s * 31 + w', 3, TOPICS.length)}]
                    when ${draw('s * 31 + w', 4, 10)} = 0 then (${sql.val(CITIES)}::text[])[1 + ${draw('s * 31 + w', 5, CITIES.length)}]
                    else (${sql.val(WORDS)}::text[])[1 + ${draw('s * 31 + w', 6, WORDS.length)}] end
        from generate_series(1, 8 + s % 7) w), ' ') || '.'
    from generate_series(1, 2000) s`)

  // one row an entry: its listing, slot, first run, number of versions and removal
  await run(sql`
    create temporary table gen_entry as
    select i, 1 + i % 6 as listing, (i - 1) / 6 + 1 as position, 1 + ((i::bigint - 1) * (${runs} - 5) / ${n})::int as first_run, 1 + ${draw('i', 7, 5)} as versions
    from generate_series(1, ${n}) i`)
  await run(sql`alter table gen_entry add column last_version_run int, add column removed_run int`)
  await run(sql`update gen_entry set last_version_run = first_run + (versions - 1) * (${runs} - first_run) / versions`)
  await run(sql`
    update gen_entry set removed_run = least(${runs}, last_version_run + 1 + i % 7)
    where i % 40 = 0 and least(${runs}, last_version_run + 1 + i % 7) > ${backfill} + 1`)
  await run(sql`create index on gen_entry (listing, first_run)`)

  await run(sql`
    insert into entry (id, entry_key, first_seen_run, last_seen_run, removed_at, removed_run)
    select g.i, case when g.listing = 6 then 'WSPO-' || lpad(upper(to_hex(g.i)), 6, '0') else 'https://eurocities.eu/latest/' || (${sql.val([...LISTINGS])}::text[])[g.listing] || '/item-' || g.i || '/' end,
      g.first_run, coalesce(g.removed_run - 1, ${runs}), r.started_at, g.removed_run
    from gen_entry g left join crawl_run r on r.id = g.removed_run
    order by g.i`)
  await run(sql`select setval(pg_get_serial_sequence('entry', 'id'), ${n})`)

  // versions: the j-th of k from run first + j * (RUNS - first) / k; the summary changes each time, the title at the third
  await run(sql`
    insert into entry_version (entry_id, url, title, type, date, themes, summary, summary_truncated, valid_from_run, valid_to_run, valid_from, valid_to, origin)
    select g.i, 'https://eurocities.eu/latest/' || (${sql.val([...LISTINGS])}::text[])[g.listing] || '/item-' || g.i || '/',
      (${sql.val(CITIES)}::text[])[1 + ${draw('g.i', 8, CITIES.length)}] || ': ' ||
        initcap((${sql.val(TOPICS)}::text[])[1 + ${draw('g.i', 9, TOPICS.length)}]) || ' ' || (${sql.val(WORDS)}::text[])[1 + ${draw('g.i', 10, WORDS.length)}] || ' ' ||
        (${sql.val(WORDS)}::text[])[1 + ${draw('g.i', 11, WORDS.length)}] ||
        case when g.i % ${rareEvery} = 7 then ' ' || ${RARE_WORD} else '' end || case when v.j >= 2 then ' (updated)' else '' end,
      (${sql.val(TYPES)}::text[])[g.listing],
      to_char(date '2005-12-01' + (g.first_run - 1) * 7 + ${draw('g.i', 12, 30)}::int, 'YYYY-MM-DD'),
      case when g.i % 3 = 0 then array[(${sql.val(THEMES)}::text[])[1 + ${draw('g.i', 13, THEMES.length)}]]
           else array[(${sql.val(THEMES)}::text[])[1 + ${draw('g.i', 13, THEMES.length)}], (${sql.val(THEMES)}::text[])[1 + ${draw('g.i', 14, THEMES.length)}]] end,
      s.all[1 + ${draw('g.i * 17 + v.j * 5 + 1', 15, 2000)}] || ' ' || s.all[1 + ${draw('g.i * 17 + v.j * 5 + 2', 15, 2000)}] || ' ' || s.all[1 + ${draw('g.i * 17 + v.j * 5 + 3', 15, 2000)}],
      false, v.from_run, v.to_run, f.started_at, t.started_at, case when v.from_run <= ${backfill} then 'backfill' else 'crawl' end
    from gen_entry g
    cross join lateral (
      select j, g.first_run + j * (${runs} - g.first_run) / g.versions as from_run,
        case when j < g.versions - 1 then g.first_run + (j + 1) * (${runs} - g.first_run) / g.versions end as to_run
      from generate_series(0, g.versions - 1) j) v
    join crawl_run f on f.id = v.from_run left join crawl_run t on t.id = v.to_run
    cross join (select array_agg(body order by id) as all from gen_sentence) s
    order by g.i, v.j`)

  // change events of the crawled runs: new, changed (summary, and title at the third version), removed
  await run(sql`
    insert into change_event (run_id, entry_id, kind, version_id, previous_version_id, listing_id, changes, created_at)
    select v.valid_from_run, v.entry_id, case when p.id is null then 'new' else 'changed' end, v.id, p.id, g.listing,
      case when p.id is null then '[]'::jsonb
           else jsonb_build_array(jsonb_build_object('field', 'summary', 'before', p.summary, 'after', v.summary)) ||
                case when p.title <> v.title then jsonb_build_array(jsonb_build_object('field', 'title', 'before', p.title, 'after', v.title)) else '[]'::jsonb end end,
      v.valid_from + interval '21 minutes'
    from entry_version v join gen_entry g on g.i = v.entry_id
    left join entry_version p on p.entry_id = v.entry_id and p.valid_to_run = v.valid_from_run
    where v.valid_from_run > ${backfill}
    order by v.valid_from_run, v.entry_id`)
  await run(sql`
    insert into change_event (run_id, entry_id, kind, version_id, listing_id, created_at)
    select g.removed_run, g.i, 'removed', v.id, g.listing, r.started_at + interval '21 minutes'
    from gen_entry g join entry_version v on v.entry_id = g.i and v.valid_to_run is null join crawl_run r on r.id = g.removed_run
    where g.removed_run is not null`)

  // every crawl reads every page its listing had by then; backfills keep no pages here
  await run(sql`create temporary table gen_top as select listing, first_run, max(position) as top from gen_entry group by listing, first_run`)
  await run(sql`create index on gen_top (listing, first_run)`)
  await run(sql`
    create temporary table gen_pages as
    select r.id as run_id, l.id as listing_id, coalesce(((select max(top) from gen_top t where t.listing = l.id and t.first_run <= r.id) - 1) / ${pageSize} + 1, 0) as pages
    from crawl_run r cross join listing l`)
  await run(sql`
    insert into listing_crawl (run_id, listing_id, status, pages, entries, started_at, finished_at)
    select p.run_id, p.listing_id, 'complete', p.pages, least(p.pages * ${pageSize}, ${n}), r.started_at, r.finished_at
    from gen_pages p join crawl_run r on r.id = p.run_id`)
  await run(sql`
    insert into page_fetch (run_id, listing_id, page_number, url, fetched_url, status, content_type, bytes, duration_ms, attempts, charset, outcome, fetched_at)
    select p.run_id, p.listing_id, n, l.url || '?page=' || n, 'http://127.0.0.1:8000/latest/' || l.source_id || '/?page=' || n, 200, 'text/html; charset=utf-8',
      40000 + n % 977, 150 + n % 113, 1, 'utf-8', 'fetched', r.started_at + n * interval '1 second'
    from gen_pages p join listing l on l.id = p.listing_id join crawl_run r on r.id = p.run_id, generate_series(1, p.pages) n
    where p.run_id > ${backfill}
    order by p.run_id, p.listing_id, n`)

  // one slot an entry (its listing is in order of arrival), seen from its first crawled run until removed
  await run(sql`
    insert into sighting_range (listing_id, page_number, position, entry_id, first_run, end_run, first_page_fetch_id)
    select g.listing, (g.position - 1) / ${pageSize} + 1, g.position, g.i, greatest(g.first_run, ${backfill} + 1), g.removed_run, f.id
    from gen_entry g
    join page_fetch f on f.run_id = greatest(g.first_run, ${backfill} + 1) and f.listing_id = g.listing and f.page_number = (g.position - 1) / ${pageSize} + 1
    order by g.listing, g.position`)

  // one entry in five: its own page read at its last version, with its text
  await run(sql`
    insert into detail_fetch (run_id, entry_id, version_id, url, fetched_url, final_url, status, content_type, bytes, duration_ms, outcome, fetched_at)
    select greatest(v.valid_from_run, ${backfill} + 1), v.entry_id, v.id, v.url, v.url, v.url, 200, 'text/html; charset=utf-8', 60000, 200, 'read', r.started_at
    from entry_version v join crawl_run r on r.id = greatest(v.valid_from_run, ${backfill} + 1)
    where v.valid_to_run is null and v.entry_id % 5 = 0
    order by v.entry_id`)
  await run(sql`
    insert into entry_detail (version_id, entry_id, fetch_id, post_id, published, author, tags, text)
    select f.version_id, f.entry_id, f.id, f.entry_id::text, v.date, 'Press office', array[(${sql.val(TOPICS)}::text[])[1 + ${draw('f.entry_id', 16, TOPICS.length)}]],
      array_to_string(array[${sql.join([1, 2, 3, 4, 5, 6].map((k) => sql`s.all[1 + ${draw(`f.entry_id * 13 + ${k}`, 17, 2000)}]`))}], ' ')
    from detail_fetch f join entry_version v on v.id = f.version_id cross join (select array_agg(body order by id) as all from gen_sentence) s`)

  await run(sql`drop table gen_pages, gen_top, gen_entry, gen_sentence`)
  await run(sql`reset session_replication_role`)
  const migrations = await applyLaterMigrations(db)
  await run(sql`vacuum analyze`)
  const count = async (table: string) => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]?.n ?? 0)
  return {
    entries,
    versions: await count('entry_version'),
    events: await count('change_event'),
    pageFetches: await count('page_fetch'),
    ranges: await count('sighting_range'),
    details: await count('entry_detail'),
    migrations,
    ms: Math.round(performance.now() - started),
  }
}

/**
 * The migrations after the generator's schema not yet applied, one at a time over the data (as on a
 * database upgraded), each with its time: a kept database gets the migrations merged since.
 */
export async function applyLaterMigrations(db: Kysely<Database>): Promise<{ name: string; ms: number }[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS }, allowUnorderedMigrations: true })
  const applied = new Set((await migrator.getMigrations()).filter((m) => m.executedAt !== undefined).map((m) => m.name))
  const applying: { name: string; ms: number }[] = []
  for (const name of Object.keys(MIGRATIONS).filter((name) => name > BASE_MIGRATION && !applied.has(name))) {
    const started = performance.now()
    const result = await migrator.migrateTo(name)
    if (result.error !== undefined) throw result.error
    applying.push({ name, ms: Math.round(performance.now() - started) })
  }
  if (applying.length > 0) await sql`analyze`.execute(db)
  return applying
}

export function formatServeData(figures: ServeDataFigures): string {
  const thousands = (value: number) => value.toLocaleString('en')
  const later = figures.migrations.length === 0 ? 'none' : figures.migrations.map((m) => `${m.name} ${(m.ms / 1000).toFixed(1)} s`).join(', ')
  return (
    `generated ${thousands(figures.entries)} entries, ${thousands(figures.versions)} versions, ${thousands(figures.events)} change events, ` +
    `${thousands(figures.pageFetches)} page reads, ${thousands(figures.ranges)} sighting ranges, ${thousands(figures.details)} detail texts in ${(figures.ms / 1000).toFixed(1)} s ` +
    `(later migrations over the data: ${later})`
  )
}
