// Frozen once landed: change the schema with a new migration, never by editing this one.
// Full-text search over entries: one row per entry in entry_search, its latest version's title
// (weight A) and summary (B) and the text of its latest detail page (C) in one tsvector, kept
// current by statement triggers on the tables the crawl writes, so no job changes. The text search
// configuration folds accents before stemming ("lodz" finds "Łódź") and keeps stop words, so a
// query of common words still means what it says; pg_trgm finds a title despite a misspelt word.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists unaccent`.execute(db)
  await sql`create extension if not exists pg_trgm`.execute(db)
  // unaccent() is only stable (it looks its dictionary up by search_path); an index needs an
  // immutable function, so the wrapper names the dictionary by the schema the extension is in.
  const { rows } = await sql<{ schema: string }>`
    select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'unaccent'`.execute(db)
  const schema = quoteIdent(rows[0]?.schema ?? 'public')
  const body = `select ${schema}.unaccent(${quoteLiteral(`${schema}.unaccent`)}::regdictionary, $1)`
  await sql`create function eurowatch_unaccent(text) returns text language sql immutable strict parallel safe as ${sql.lit(body)}`.execute(db)

  await sql`create text search dictionary eurowatch_stem (template = snowball, language = english)`.execute(db)
  await sql`create text search configuration eurowatch_search (copy = english)`.execute(db)
  await sql`
    alter text search configuration eurowatch_search
    alter mapping for asciiword, asciihword, hword_asciipart, word, hword, hword_part
    with ${sql.raw(schema)}.unaccent, eurowatch_stem`.execute(db)

  await db.schema
    .createTable('entry_search')
    .addColumn('entry_id', 'integer', (c) => c.primaryKey().references('entry.id').onDelete('cascade'))
    .addColumn('version_id', 'integer', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('type', 'text')
    .addColumn('date', 'text')
    .addColumn('year', 'integer')
    .addColumn('themes', sql`text[]`, (c) => c.notNull())
    .addColumn('listing_ids', sql`integer[]`, (c) => c.notNull())
    .addColumn('document', sql`tsvector`, (c) => c.notNull())
    .execute()
  await sql`create index entry_search_document_idx on entry_search using gin (document)`.execute(db)
  await sql`create index entry_search_title_trgm_idx on entry_search using gin (eurowatch_unaccent(title) gin_trgm_ops)`.execute(db)
  // "all entries, newest first" and its keyset pages
  await sql`create index entry_search_newest_idx on entry_search ((coalesce(date, '')) desc, entry_id desc)`.execute(db)

  // The whole row of each entry named, from its latest version (the open one, else the last closed)
  // and the text of its latest detail page; an entry without versions loses its row. Detail text is
  // cut at 100,000 characters: a tsvector holds at most 1 MB.
  await sql`
    create function entry_search_refresh(ids integer[]) returns void language sql as $$
      delete from entry_search s where s.entry_id = any(ids)
        and not exists (select 1 from entry_version v where v.entry_id = s.entry_id);
      insert into entry_search (entry_id, version_id, title, type, date, year, themes, listing_ids, document)
      select v.entry_id, v.id, v.title, v.type, v.date, substr(v.date, 1, 4)::integer, v.themes,
        coalesce((select array_agg(distinct r.listing_id order by r.listing_id) from sighting_range r where r.entry_id = v.entry_id), '{}'),
        setweight(to_tsvector('eurowatch_search', coalesce(v.title, '')), 'A')
          || setweight(to_tsvector('eurowatch_search', coalesce(v.summary, '')), 'B')
          || setweight(to_tsvector('eurowatch_search', coalesce(left(d.text, 100000), '')), 'C')
      from (select distinct on (v.entry_id) v.* from entry_version v where v.entry_id = any(ids)
            order by v.entry_id, v.valid_to_run is null desc, v.valid_from desc, v.id desc) v
      left join lateral (select d.text from entry_detail d where d.entry_id = v.entry_id and d.text is not null
                         order by d.version_id desc limit 1) d on true
      on conflict (entry_id) do update set version_id = excluded.version_id, title = excluded.title, type = excluded.type,
        date = excluded.date, year = excluded.year, themes = excluded.themes, listing_ids = excluded.listing_ids, document = excluded.document;
    $$`.execute(db)
  // Sightings change only which listings an entry is on: add a listing it was not on yet.
  await sql`
    create function entry_search_add_listings(ids integer[]) returns void language sql as $$
      update entry_search s
      set listing_ids = coalesce((select array_agg(distinct r.listing_id order by r.listing_id) from sighting_range r where r.entry_id = s.entry_id), '{}')
      where s.entry_id = any(ids)
        and exists (select 1 from sighting_range r where r.entry_id = s.entry_id and not (r.listing_id = any(s.listing_ids)));
    $$`.execute(db)

  // A trigger with transition tables may have one event only: one function per event.
  for (const [table, refresh] of [['entry_version', 'entry_search_refresh'], ['entry_detail', 'entry_search_refresh'], ['sighting_range', 'entry_search_add_listings']] as const) {
    await sql.raw(`
      create function ${table}_search_inserted() returns trigger language plpgsql as $$
      begin perform ${refresh}(array(select distinct entry_id from new_rows)); return null; end $$`).execute(db)
    await sql.raw(`
      create function ${table}_search_updated() returns trigger language plpgsql as $$
      begin perform ${refresh}(array(select entry_id from new_rows union select entry_id from old_rows)); return null; end $$`).execute(db)
    await sql.raw(`
      create trigger ${table}_search_insert after insert on ${table}
      referencing new table as new_rows for each statement execute function ${table}_search_inserted()`).execute(db)
    await sql.raw(`
      create trigger ${table}_search_update after update on ${table}
      referencing new table as new_rows old table as old_rows for each statement execute function ${table}_search_updated()`).execute(db)
  }

  await sql`select entry_search_refresh(array(select id from entry))`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['entry_version', 'entry_detail', 'sighting_range']) {
    await sql.raw(`drop trigger ${table}_search_insert on ${table}`).execute(db)
    await sql.raw(`drop trigger ${table}_search_update on ${table}`).execute(db)
    await sql.raw(`drop function ${table}_search_inserted()`).execute(db)
    await sql.raw(`drop function ${table}_search_updated()`).execute(db)
  }
  await sql`drop function entry_search_add_listings(integer[])`.execute(db)
  await sql`drop function entry_search_refresh(integer[])`.execute(db)
  await db.schema.dropTable('entry_search').execute()
  await sql`drop text search configuration eurowatch_search`.execute(db)
  await sql`drop text search dictionary eurowatch_stem`.execute(db)
  await sql`drop function eurowatch_unaccent(text)`.execute(db)
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`
}
