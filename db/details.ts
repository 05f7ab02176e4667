// Entries' own pages: which versions still wait for theirs, each fetch, what was read from it, and a cut
// summary completed from it (a post that changed its URL: db/moved-posts.ts).
import { sql, type Kysely } from 'kysely'
import type { DetailOutcome, EntryDetail } from '../domain/detail.ts'
import { batchesOf } from './batches.ts'
import type { Database } from './schema.ts'

type Db = Kysely<Database>

/** A failed fetch is asked again next run, up to this many times for one version. */
export const MAX_DETAIL_ATTEMPTS = 5

/** An open version whose page has not been read, with the listing it was last sighted on. */
export interface PendingDetail {
  versionId: number
  entryId: number
  url: string
  summary: string | null
  summaryTruncated: boolean
  firstSeenRun: number
  listingId: number
  listingUrl: string
  sourceId: string
  profile: string
}

/**
 * The open versions of entries not removed whose page was neither read nor given up on (gone,
 * no block, not ours to ask, or failed MAX_DETAIL_ATTEMPTS times), newest versions first, of
 * these sources' listings (those whose profile reads detail pages); at most `limit`, and how many
 * more wait.
 */
export async function pendingDetails(db: Db, sourceIds: readonly string[], limit: number): Promise<{ pending: PendingDetail[]; waiting: number }> {
  if (sourceIds.length === 0) return { pending: [], waiting: 0 }
  const candidates = sql`
    select v.id, v.entry_id, v.url, v.summary, v.summary_truncated, v.valid_from_run, e.first_seen_run
    from entry_version v join entry e on e.id = v.entry_id
    where v.valid_to_run is null and e.removed_at is null
      and not exists (select 1 from entry_detail d where d.version_id = v.id)
      and not exists (select 1 from detail_fetch f where f.version_id = v.id and f.outcome <> 'failed')
      and (select count(*) from detail_fetch f where f.version_id = v.id) < ${MAX_DETAIL_ATTEMPTS}
      and exists (select 1 from sighting s join listing l on l.id = s.listing_id where s.entry_id = v.entry_id and l.source_id in (${sql.join(sourceIds)}))`
  const result = await sql<PendingDetail>`
    with candidate as (${candidates}), picked as (select * from candidate order by valid_from_run desc, id limit ${limit})
    select p.id as "versionId", p.entry_id as "entryId", p.url, p.summary, p.summary_truncated as "summaryTruncated", p.first_seen_run as "firstSeenRun",
      l.id as "listingId", l.url as "listingUrl", l.source_id as "sourceId", l.profile
    from picked p
    join lateral (select s.listing_id from sighting s join listing l2 on l2.id = s.listing_id
                  where s.entry_id = p.entry_id and l2.source_id in (${sql.join(sourceIds)})
                  order by s.run_id desc, s.listing_id limit 1) last on true
    join listing l on l.id = last.listing_id
    order by p.valid_from_run desc, p.id`.execute(db)
  const count = await sql<{ n: number }>`with candidate as (${candidates}) select count(*)::int as n from candidate`.execute(db)
  return { pending: result.rows, waiting: (count.rows[0]?.n ?? 0) - result.rows.length }
}

export interface DetailFetchRecord {
  runId: number
  entryId: number
  versionId: number
  url: string
  fetchedUrl: string
  finalUrl: string | null
  status: number | null
  contentType: string | null
  headers: Record<string, string> | null
  bytes: number | null
  durationMs: number
  bodySha256: string | null
  outcome: DetailOutcome
  error: string | null
  fetchedAt: Date
}

/** One statement a batch; ids in the order given. */
export async function recordDetailFetches(db: Db, fetches: readonly DetailFetchRecord[]): Promise<number[]> {
  const ids: number[] = []
  for (const batch of batchesOf(fetches, 16)) {
    const rows = await db
      .insertInto('detail_fetch')
      .values(
        batch.map((f) => ({
          run_id: f.runId,
          entry_id: f.entryId,
          version_id: f.versionId,
          url: f.url,
          fetched_url: f.fetchedUrl,
          final_url: f.finalUrl,
          status: f.status,
          content_type: f.contentType,
          headers: f.headers === null ? null : JSON.stringify(f.headers),
          bytes: f.bytes,
          duration_ms: Math.round(f.durationMs),
          body_sha256: f.bodySha256,
          outcome: f.outcome,
          error: f.error,
          fetched_at: f.fetchedAt,
        })),
      )
      .returning('id')
      .execute()
    ids.push(...rows.map((row) => row.id))
  }
  // serial ids are drawn in VALUES order, batch after batch
  return ids.sort((a, b) => a - b)
}

export interface DetailToStore {
  versionId: number
  entryId: number
  fetchId: number
  detail: EntryDetail
}

export async function insertEntryDetails(db: Db, details: readonly DetailToStore[]): Promise<void> {
  for (const batch of batchesOf(details, 12)) {
    await db
      .insertInto('entry_detail')
      .values(
        batch.map(({ versionId, entryId, fetchId, detail }) => ({
          version_id: versionId,
          entry_id: entryId,
          fetch_id: fetchId,
          post_id: detail.postId,
          published: detail.published,
          document_type: detail.documentType,
          author: detail.author,
          contact: detail.contact,
          tags: detail.tags,
          files: JSON.stringify(detail.files),
          text: detail.text,
        })),
      )
      .onConflict((oc) => oc.column('version_id').doNothing())
      .execute()
  }
}

/**
 * A cut summary completed from its page: the open version's summary is replaced by the page's full text,
 * in place. DESIGN.md: a cut summary is no change against the full text it is a prefix of, so this is
 * the same version, better read: no new version (which would also have carried the old one's origin, a
 * backfill's, onto what a crawl read). The listing's cut text stays in its stored page; where the full
 * text came from is the version's entry_detail. Returns whether the version was still open.
 */
export async function completeSummary(db: Db, versionId: number, summary: string): Promise<boolean> {
  const updated = await db
    .updateTable('entry_version')
    .set({ summary, summary_truncated: false })
    .where('id', '=', versionId)
    .where('valid_to_run', 'is', null)
    .returning('id')
    .executeTakeFirst()
  return updated !== undefined
}

/** Whether run R's changes have been recorded: then nothing may change what it saw. */
export async function isRunDiffed(db: Db, runId: number): Promise<boolean> {
  const run = await db.selectFrom('crawl_run').select('diffed_at').where('id', '=', runId).executeTakeFirst()
  return run?.diffed_at != null
}

/** An entry_detail row as `to_jsonb` gives it (snake_case keys), as the domain's EntryDetail. */
export interface EntryDetailJsonRow {
  post_id: string | null
  published: string | null
  document_type: string | null
  author: string | null
  contact: string | null
  tags: string[]
  files: EntryDetail['files']
  text: string | null
}

export function detailOfJsonRow(row: EntryDetailJsonRow): EntryDetail {
  return {
    postId: row.post_id,
    published: row.published,
    documentType: row.document_type,
    author: row.author,
    contact: row.contact,
    tags: row.tags,
    files: row.files,
    text: row.text,
  }
}

/** The detail fields of these versions, by version id; with `asOf`, only pages fetched by then. */
export async function detailsOfVersions(db: Db, versionIds: readonly number[], asOf: Date | null = null): Promise<Map<number, EntryDetail>> {
  const details = new Map<number, EntryDetail>()
  for (const batch of batchesOf(versionIds, 1)) {
    const rows = await db
      .selectFrom('entry_detail')
      .innerJoin('detail_fetch', 'detail_fetch.id', 'entry_detail.fetch_id')
      .selectAll('entry_detail')
      .where('entry_detail.version_id', 'in', batch)
      .$if(asOf !== null, (qb) => qb.where('detail_fetch.fetched_at', '<=', asOf as Date))
      .execute()
    for (const row of rows) {
      details.set(row.version_id, {
        postId: row.post_id,
        published: row.published,
        documentType: row.document_type,
        author: row.author,
        contact: row.contact,
        tags: row.tags,
        files: row.files,
        text: row.text,
      })
    }
  }
  return details
}
