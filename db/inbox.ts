// The changes inbox: change events newest first, filtered, with each viewer's read state, and the
// read marks. Baseline `new` events (a listing's first complete crawl) are never in it, as in reports.
// A viewer's state is a watermark (read through event N) plus marks that override it one by one.
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely'
import type { ChangeEvent, ChangeKind } from '../domain/change.ts'
import { eventsByIds } from './report-queries.ts'
import type { Database } from './schema.ts'

type Db = Kysely<Database>

/** What the inbox shows; null (or false) leaves a filter out. Dates are 'YYYY-MM-DD', by the run's start in UTC, both inclusive. */
export interface InboxFilter {
  /** The listing's source name (the configuration's). */
  listing: string | null
  kind: ChangeKind | null
  type: string | null
  theme: string | null
  from: string | null
  to: string | null
  /** Words found in the title or summary (case-insensitive substring). */
  words: string | null
  /** Only what the viewer has not read. */
  unread: boolean
}

export const NO_FILTER: InboxFilter = { listing: null, kind: null, type: null, theme: null, from: null, to: null, words: null, unread: false }

export interface InboxChange {
  event: ChangeEvent
  read: boolean
  runStartedAt: Date
}

export interface InboxPage {
  changes: InboxChange[]
  /** The id to pass as `before` for the next page; null on the last. */
  next: number | null
}

export interface InboxQuery {
  reader: string
  filter: InboxFilter
  /** Keyset: only events with a smaller id (the previous page's `next`). */
  before: number | null
  limit: number
}

type From = ExpressionBuilder<Database & { ce: Database['change_event']; r: Database['crawl_run']; v: Database['entry_version']; l: Database['listing'] }, 'ce' | 'r' | 'v' | 'l'>

/** One page of the inbox, newest first. */
export async function inboxPage(db: Db, query: InboxQuery): Promise<InboxPage> {
  const watermark = await readThrough(db, query.reader)
  const rows = await selectEvents(db, query.reader, watermark)
    .where((eb) => filterWhere(eb, query.filter, query.reader, watermark))
    .$if(query.before !== null, (qb) => qb.where('ce.id', '<', query.before ?? 0))
    .orderBy('ce.id', 'desc')
    .limit(query.limit + 1)
    .execute()
  const shown = rows.slice(0, query.limit)
  const changes = await withEvents(db, shown)
  return { changes, next: rows.length > query.limit ? (shown.at(-1)?.id ?? null) : null }
}

/** One change for its permalink; null when there is none with this id (or it is a baseline one). */
export async function inboxChange(db: Db, reader: string, eventId: number): Promise<InboxChange | null> {
  const watermark = await readThrough(db, reader)
  const row = await selectEvents(db, reader, watermark).where('ce.id', '=', eventId).executeTakeFirst()
  return row === undefined ? null : ((await withEvents(db, [row]))[0] ?? null)
}

/** Marks one change read or unread; false when the inbox has no such change. */
export async function markChange(db: Db, reader: string, eventId: number, read: boolean): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const exists = await trx.selectFrom('change_event').select('id').where('id', '=', eventId).where('baseline', '=', false).executeTakeFirst()
    if (exists === undefined) return false
    const watermark = await ensureReader(trx, reader)
    // a mark that says what the watermark says is not kept: marks stay few
    if (read === eventId <= watermark) {
      await trx.deleteFrom('read_mark').where('reader', '=', reader).where('change_event_id', '=', eventId).execute()
    } else {
      await trx
        .insertInto('read_mark')
        .values({ reader, change_event_id: eventId, read })
        .onConflict((oc) => oc.columns(['reader', 'change_event_id']).doUpdateSet({ read }))
        .execute()
    }
    return true
  })
}

/**
 * Marks read every change the filter shows with an id up to `through` (what the viewer saw; null:
 * all of them). Without a filter this moves the watermark: one row, whatever the number of changes.
 */
export async function markAllRead(db: Db, reader: string, filter: InboxFilter, through: number | null): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const watermark = await ensureReader(trx, reader)
    const last = through ?? (await trx.selectFrom('change_event').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst())?.id ?? 0
    if (isUnfiltered(filter)) {
      if (last <= watermark) {
        await trx.deleteFrom('read_mark').where('reader', '=', reader).where('change_event_id', '<=', last).where('read', '=', false).execute()
        return
      }
      await trx.updateTable('reader').set({ read_through_event: last, updated_at: new Date() }).where('name', '=', reader).execute()
      await trx.deleteFrom('read_mark').where('reader', '=', reader).where('change_event_id', '<=', last).execute()
      return
    }
    await trx
      .insertInto('read_mark')
      .columns(['reader', 'change_event_id', 'read'])
      .expression(
        selectEvents(trx, reader, watermark)
          .clearSelect()
          .select([sql<string>`${reader}::text`.as('reader'), 'ce.id', sql.lit(true).as('read')])
          .where((eb) => filterWhere(eb, { ...filter, unread: true }, reader, watermark))
          .where('ce.id', '<=', last),
      )
      .onConflict((oc) => oc.columns(['reader', 'change_event_id']).doUpdateSet({ read: true }))
      .execute()
  })
}

function isUnfiltered(filter: InboxFilter): boolean {
  const { unread: _unread, ...rest } = filter
  return Object.values(rest).every((value) => value === null)
}

async function readThrough(db: Db, reader: string): Promise<number> {
  const row = await db.selectFrom('reader').select('read_through_event').where('name', '=', reader).executeTakeFirst()
  return row?.read_through_event ?? 0
}

/** The reader's watermark; a reader is created on its first mark. */
async function ensureReader(db: Db, reader: string): Promise<number> {
  await db.insertInto('reader').values({ name: reader }).onConflict((oc) => oc.column('name').doNothing()).execute()
  return readThrough(db, reader)
}

function selectEvents(db: Db, reader: string, watermark: number) {
  return db
    .selectFrom('change_event as ce')
    .innerJoin('crawl_run as r', 'r.id', 'ce.run_id')
    .innerJoin('entry_version as v', 'v.id', 'ce.version_id')
    .leftJoin('listing as l', 'l.id', 'ce.listing_id')
    .select(['ce.id', 'r.started_at', isRead(reader, watermark).as('read')])
    .where('ce.baseline', '=', false)
}

// A mark decides; without one, the watermark does.
const isRead = (reader: string, watermark: number) =>
  sql<boolean>`coalesce((select m.read from read_mark m where m.reader = ${reader} and m.change_event_id = ce.id), ce.id <= ${watermark})`

// `not isRead`, written so each side can use an index: the range above the watermark, and the few
// events marked unread again below it
const isUnread = (reader: string, watermark: number) => sql<SqlBool>`(
  (ce.id > ${watermark} and not exists (select 1 from read_mark m where m.reader = ${reader} and m.change_event_id = ce.id and m.read))
  or ce.id in (select m.change_event_id from read_mark m where m.reader = ${reader} and not m.read and m.change_event_id <= ${watermark}))`

function filterWhere(eb: From, filter: InboxFilter, reader: string, watermark: number): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = []
  if (filter.listing !== null) conditions.push(eb('l.source_id', '=', filter.listing))
  if (filter.kind !== null) conditions.push(eb('ce.kind', '=', filter.kind))
  if (filter.type !== null) conditions.push(eb('v.type', '=', filter.type))
  if (filter.theme !== null) conditions.push(sql<SqlBool>`${filter.theme} = any(v.themes)`)
  if (filter.from !== null) conditions.push(eb('r.started_at', '>=', new Date(`${filter.from}T00:00:00Z`)))
  if (filter.to !== null) conditions.push(eb('r.started_at', '<', dayAfter(filter.to)))
  if (filter.words !== null) {
    const pattern = `%${filter.words.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    conditions.push(eb.or([eb('v.title', 'ilike', pattern), eb('v.summary', 'ilike', pattern)]))
  }
  if (filter.unread) conditions.push(isUnread(reader, watermark))
  return eb.and(conditions)
}

function dayAfter(day: string): Date {
  const date = new Date(`${day}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + 1)
  return date
}

/** The events of these rows, in the rows' order, with the report's shape (db/report-queries.ts). */
async function withEvents(db: Db, rows: readonly { id: number; started_at: Date; read: boolean }[]): Promise<InboxChange[]> {
  const events = new Map((await eventsByIds(db, rows.map((row) => row.id))).map((event) => [event.id, event]))
  return rows.flatMap((row) => {
    const event = events.get(row.id)
    return event === undefined ? [] : [{ event, read: row.read, runStartedAt: row.started_at }]
  })
}
