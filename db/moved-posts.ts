// A WordPress post found under a new URL (its slug changed): the entry keyed by its old URL takes
// the new one, so the diff reports one entry moved rather than one removed and one new.
import { sql, type Kysely } from 'kysely'
import type { Database } from './schema.ts'

type Db = Kysely<Database>

/** Another entry whose page named the same WordPress post, not removed and not sighted in run R: the post's old URL. */
export async function findPostTwin(db: Db, entryId: number, postId: string, runId: number): Promise<{ entryId: number; url: string } | null> {
  const row = await sql<{ entryId: number; url: string }>`
    select d.entry_id as "entryId", v.url
    from entry_detail d join entry e on e.id = d.entry_id
    join entry_version v on v.entry_id = e.id and v.valid_to_run is null
    where d.post_id = ${postId} and d.entry_id <> ${entryId} and e.removed_at is null and e.last_seen_run < ${runId}
    order by d.version_id desc limit 1`.execute(db)
  return row.rows[0] ?? null
}

/**
 * Folds entry `from` (first seen in run R, which is not diffed yet, so it has no change events) into
 * `into`, the same post under its old URL: `into`'s open version closes at R, `from`'s versions,
 * sightings and detail pages become `into`'s, and `into` takes `from`'s key (its URL). The diff then
 * sees one entry whose URL changed: `moved`. False when `from` is not such an entry (nothing done).
 */
export async function foldMovedEntry(db: Db, from: number, into: number, runId: number, at: Date): Promise<boolean> {
  const entry = await db.selectFrom('entry').select(['entry_key', 'first_seen_run']).where('id', '=', from).executeTakeFirst()
  const events = await db.selectFrom('change_event').select('id').where('entry_id', '=', from).executeTakeFirst()
  if (entry === undefined || entry.first_seen_run !== runId || events !== undefined) return false
  await db.updateTable('entry_version').set({ valid_to_run: runId, valid_to: at }).where('entry_id', '=', into).where('valid_to_run', 'is', null).execute()
  await db.updateTable('entry_version').set({ entry_id: into }).where('entry_id', '=', from).execute()
  await db.updateTable('sighting_range').set({ entry_id: into }).where('entry_id', '=', from).execute()
  await db.updateTable('detail_fetch').set({ entry_id: into }).where('entry_id', '=', from).execute()
  await db.updateTable('entry_detail').set({ entry_id: into }).where('entry_id', '=', from).execute()
  await db.deleteFrom('entry').where('id', '=', from).execute()
  await db
    .updateTable('entry')
    .set({ entry_key: entry.entry_key, last_seen_run: sql`greatest(last_seen_run, ${runId})`, unlisted_run: null })
    .where('id', '=', into)
    .execute()
  return true
}

/** Whether run R found an entry never seen before (only then can an old URL's redirect point at one). */
export async function hasNewEntries(db: Db, runId: number): Promise<boolean> {
  return (await db.selectFrom('entry').select('id').where('first_seen_run', '=', runId).limit(1).executeTakeFirst()) !== undefined
}

/**
 * The entries sighted in run R whose URL is one of `urls` (each given in every spelling an entry URL
 * may have), by URL.
 */
export async function entriesSightedAt(db: Db, runId: number, urls: readonly string[]): Promise<Map<string, number>> {
  if (urls.length === 0) return new Map()
  const rows = await sql<{ entryId: number; url: string }>`
    select distinct v.entry_id as "entryId", v.url
    from entry_version v join sighting s on s.entry_id = v.entry_id and s.run_id = ${runId}
    where v.valid_to_run is null and v.url in (${sql.join(urls)})`.execute(db)
  return new Map(rows.rows.map((row) => [row.url, row.entryId]))
}
