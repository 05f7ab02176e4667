// The outbox: subscriptions, deliveries (one per change event and subscription), and the
// messages that carry them. Claiming takes row locks with SKIP LOCKED, sending takes session
// advisory locks on the messages, so two deliverers on one PostgreSQL server never send one
// message twice.
import { createHash } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { Database, DeliveryMessage, OperatorNoticeRow } from './schema.ts'

type Db = Kysely<Database>

export interface StoredSubscription {
  name: string
  startRun: number
  createdAt: Date
  lastDigestAt: Date | null
}

export async function storedSubscriptions(db: Db): Promise<Map<string, StoredSubscription>> {
  const rows = await db.selectFrom('subscription').select(['name', 'start_run', 'created_at', 'last_digest_at']).execute()
  return new Map(rows.map((row) => [row.name, { name: row.name, startRun: row.start_run, createdAt: row.created_at, lastDigestAt: row.last_digest_at }]))
}

/**
 * Records the subscriptions not seen before, starting with the run after the latest one:
 * a subscription added later does not receive the history. Returns the names added.
 */
export async function addSubscriptions(db: Db, names: readonly string[], at: Date): Promise<string[]> {
  if (names.length === 0) return []
  const { rows } = await sql<{ name: string }>`
    insert into subscription (name, start_run, created_at)
    select x.name, coalesce((select max(id) from crawl_run), 0) + 1, ${at}
    from unnest(${[...names]}::text[]) as x(name)
    on conflict (name) do nothing
    returning name`.execute(db)
  return rows.map((row) => row.name)
}

export interface DeliveryToInsert {
  eventId: number
  subscription: string
}

/** One statement for any number of deliveries (one JSON parameter); an existing pair is kept. */
export async function insertDeliveries(db: Db, deliveries: readonly DeliveryToInsert[], at: Date): Promise<number> {
  if (deliveries.length === 0) return 0
  const result = await sql`
    insert into delivery (change_event_id, subscription, created_at)
    select x."eventId", x.subscription, ${at}
    from jsonb_to_recordset(${JSON.stringify(deliveries)}::jsonb) as x("eventId" integer, subscription text)
    on conflict (change_event_id, subscription) do nothing`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}

/** Change event ids (not baseline) recorded at or after `since`, oldest first: a subscription's `since`. */
export async function eventIdsSince(db: Db, since: Date): Promise<number[]> {
  const rows = await db.selectFrom('change_event').select('id').where('created_at', '>=', since).where('baseline', '=', false).orderBy('id').execute()
  return rows.map((row) => row.id)
}

/**
 * Puts the subscription's unclaimed deliveries into messages of at most `perMessage` events,
 * oldest first, and returns how many messages it made.
 */
export async function claimDeliveries(db: Db, subscription: string, perMessage: number, at: Date): Promise<number> {
  const unclaimed = await sql<{ id: number }>`
    select id from delivery
    where subscription = ${subscription} and message_id is null
    order by id
    for update skip locked`.execute(db)
  if (unclaimed.rows.length === 0) return 0
  // a few statements for any number of messages: what they carry, their keys, the messages, the deliveries' links
  const claims = unclaimed.rows.map((delivery, index) => ({ id: delivery.id, chunk: Math.floor(index / perMessage) }))
  const carried = await eventIdentities(db, claims.map((claim) => claim.id))
  const contents: string[][] = Array.from({ length: Math.ceil(claims.length / perMessage) }, () => [])
  for (const claim of claims) contents[claim.chunk]?.push(carried.get(claim.id) ?? '')
  const keys = await messageKeys(db, subscription, contents)
  await sql`
    insert into delivery_message (subscription, key, kind, next_attempt_at, created_at)
    select ${subscription}, k.key, 'changes', ${at}, ${at} from unnest(${keys}::text[]) with ordinality as k(key, n) order by k.n`.execute(db)
  const links = claims.map((claim) => ({ id: claim.id, key: keys[claim.chunk] }))
  await sql`
    update delivery d set message_id = m.id
    from jsonb_to_recordset(${JSON.stringify(links)}::jsonb) as x(id integer, key text)
    join delivery_message m on m.key = x.key
    where d.id = x.id`.execute(db)
  return keys.length
}

/** An operator message: its notices travel in the row. */
export async function insertOperatorMessage(db: Db, subscription: string, notices: readonly OperatorNoticeRow[], at: Date): Promise<number> {
  const [key] = await messageKeys(db, subscription, [notices.map((notice) => JSON.stringify([notice.problem, notice.state, notice.listing, notice.occurrences]))])
  const row = await db
    .insertInto('delivery_message')
    .values({ subscription, key: key as string, kind: 'operator', next_attempt_at: at, created_at: at, last_error: null, notices: JSON.stringify(notices), sent_at: null })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function setLastDigest(db: Db, subscription: string, at: Date): Promise<void> {
  await db.updateTable('subscription').set({ last_digest_at: at }).where('name', '=', subscription).execute()
}

// pg_try_advisory_lock(MESSAGE_LOCKS, message id): "ewdm" as a stable 32-bit number
const MESSAGE_LOCKS = 0x6577646d

export interface LockedMessages {
  messages: DeliveryMessage[]
  /** Due messages there were to choose from: fewer than the limit means none is left after these. */
  candidates: number
}

/**
 * Pending messages whose time has come, oldest first, locked for this sender: others skip them
 * until `releaseMessages`. The locks belong to the session (`db` must be one connection, held
 * while sending), not to a transaction, so that each outcome can be committed on its own as
 * soon as the send ends; the server drops them with the session when a process dies, and
 * another deliverer may then take them at once.
 * A subscription with a message waiting for its retry sends nothing else before then: its
 * receiver is down, and its messages keep their order.
 */
export async function lockDueMessages(db: Db, subscriptions: readonly string[], at: Date, limit: number): Promise<LockedMessages> {
  if (subscriptions.length === 0) return { messages: [], candidates: 0 }
  const waiting = await db
    .selectFrom('delivery_message')
    .select('subscription')
    .distinct()
    .where('status', '=', 'pending')
    .where('attempts', '>', 0)
    .where('next_attempt_at', '>', at)
    .execute()
  const resting = new Set(waiting.map((row) => row.subscription))
  const ready = subscriptions.filter((name) => !resting.has(name))
  if (ready.length === 0) return { messages: [], candidates: 0 }
  // not those another sender holds (the subquery runs once), then lock exactly the ids chosen
  const { rows: due } = await sql<{ id: number }>`
    select m.id from delivery_message m
    where m.status = 'pending' and m.next_attempt_at <= ${at} and m.subscription = any(${[...ready]}::text[])
      and m.id not in (select l.objid::int from pg_locks l where l.locktype = 'advisory' and l.classid = ${MESSAGE_LOCKS}::oid and l.objsubid = 2)
    order by m.id
    limit ${limit}`.execute(db)
  if (due.length === 0) return { messages: [], candidates: 0 }
  const { rows: locked } = await sql<{ id: number }>`
    select x.id from unnest(${due.map((row) => row.id)}::int[]) as x(id) where pg_try_advisory_lock(${MESSAGE_LOCKS}, x.id)`.execute(db)
  const lockedIds = locked.map((row) => row.id)
  if (lockedIds.length === 0) return { messages: [], candidates: due.length }
  // read again under the lock: another sender may have sent it between the choice and the lock
  const messages = await db
    .selectFrom('delivery_message')
    .selectAll()
    .where('id', '=', sql<number>`any(${lockedIds}::int[])`)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', at)
    .orderBy('id')
    .execute()
  const kept = new Set(messages.map((message) => message.id))
  await releaseMessages(db, lockedIds.filter((id) => !kept.has(id)))
  return { messages, candidates: due.length }
}

/** Lets other senders take these messages again (their outcomes are committed by then). */
export async function releaseMessages(db: Db, messageIds: readonly number[]): Promise<void> {
  if (messageIds.length === 0) return
  await sql`select pg_advisory_unlock(${MESSAGE_LOCKS}, x.id) from unnest(${[...messageIds]}::int[]) as x(id)`.execute(db)
}

/** The change event ids each message carries, in delivery order. */
export async function eventIdsOfMessages(db: Db, messageIds: readonly number[]): Promise<Map<number, number[]>> {
  const byMessage = new Map<number, number[]>(messageIds.map((id) => [id, []]))
  if (messageIds.length === 0) return byMessage
  const rows = await db
    .selectFrom('delivery')
    .select(['message_id', 'change_event_id'])
    .where('message_id', '=', sql<number>`any(${[...messageIds]}::int[])`)
    .orderBy('id')
    .execute()
  for (const row of rows) if (row.message_id !== null) byMessage.get(row.message_id)?.push(row.change_event_id)
  return byMessage
}

/** One message sent: committed on its own, right after its send (a kill re-sends only what was in flight). */
export async function markMessageSent(db: Db, messageId: number, at: Date): Promise<void> {
  await db
    .updateTable('delivery_message')
    .set((eb) => ({ status: 'sent', sent_at: at, attempts: eb('attempts', '+', 1), last_error: null }))
    .where('id', '=', messageId)
    .execute()
}

export interface FailedSend {
  messageId: number
  error: string
  /** null: dead, never tried again. */
  nextAttemptAt: Date | null
}

export async function markMessageFailed(db: Db, failure: FailedSend): Promise<void> {
  await db
    .updateTable('delivery_message')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_error: failure.error,
      status: failure.nextAttemptAt === null ? 'dead' : 'pending',
      next_attempt_at: failure.nextAttemptAt ?? eb.ref('next_attempt_at'),
    }))
    .where('id', '=', failure.messageId)
    .execute()
}

export interface ChannelDeliveryCounts {
  subscription: string
  /** Deliveries not in a message yet (a digest waiting for its time). */
  waiting: number
  /** Messages not sent yet that have not failed. */
  pending: number
  /** Messages that failed and wait for a retry. */
  failing: number
  dead: number
  sent: number
  lastSentAt: Date | null
  lastError: string | null
  nextAttemptAt: Date | null
}

export async function deliveryCounts(db: Db): Promise<ChannelDeliveryCounts[]> {
  const { rows } = await sql<ChannelDeliveryCounts>`
    with subs as (
      select name as subscription from subscription
      union select distinct subscription from delivery_message
    )
    select s.subscription,
      (select count(*)::int from delivery d where d.subscription = s.subscription and d.message_id is null) as waiting,
      count(m.id) filter (where m.status = 'pending' and m.attempts = 0)::int as pending,
      count(m.id) filter (where m.status = 'pending' and m.attempts > 0)::int as failing,
      count(m.id) filter (where m.status = 'dead')::int as dead,
      count(m.id) filter (where m.status = 'sent')::int as sent,
      max(m.sent_at) as "lastSentAt",
      (select m2.last_error from delivery_message m2 where m2.subscription = s.subscription and m2.last_error is not null order by m2.id desc limit 1) as "lastError",
      min(m.next_attempt_at) filter (where m.status = 'pending') as "nextAttemptAt"
    from subs s left join delivery_message m on m.subscription = s.subscription
    group by s.subscription
    order by s.subscription`.execute(db)
  return rows
}

/** The newest change events delivered (or being delivered) to a subscription, newest first: a feed's items. */
export async function recentEventIds(db: Db, subscription: string, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('delivery')
    .select('change_event_id')
    .where('subscription', '=', subscription)
    .where('message_id', 'is not', null)
    .orderBy('change_event_id', 'desc')
    .limit(limit)
    .execute()
  return rows.map((row) => row.change_event_id)
}

/**
 * What identifies each delivery's change event without its serial ids (which another database
 * holding the same data need not repeat): the entry's key, the kind, and digests of the version
 * after the change and of the one before.
 */
async function eventIdentities(db: Db, deliveryIds: readonly number[]): Promise<Map<number, string>> {
  const { rows } = await sql<{ id: number; identity: string }>`
    select d.id, concat_ws(' ', ce.kind, e.entry_key,
      md5(row(v.url, v.title, v.type, v.date, v.end_date, v.themes, v.summary, v.document_type)::text),
      md5(row(p.url, p.title, p.type, p.date, p.end_date, p.themes, p.summary, p.document_type)::text)) as identity
    from delivery d
    join change_event ce on ce.id = d.change_event_id
    join entry e on e.id = ce.entry_id
    join entry_version v on v.id = ce.version_id
    left join entry_version p on p.id = ce.previous_version_id
    where d.id = any(${[...deliveryIds]}::int[])`.execute(db)
  return new Map(rows.map((row) => [row.id, row.identity]))
}

/**
 * The keys of a subscription's next messages, one per content (what each carries), stored with
 * the message so every attempt carries it. Derived, not random: from the database's identity
 * (made once, kept in a state file too), the message's place among the subscription's messages
 * and what it carries. A message built again from the same data (a runner killed after sending,
 * before saving its state; a restored backup) gets the key it was first sent under, so a
 * receiver that dedupes sees it once; another database, or other content, gets another key.
 */
async function messageKeys(db: Db, subscription: string, contents: readonly (readonly string[])[]): Promise<string[]> {
  const { id } = await db.selectFrom('database_identity').select('id').executeTakeFirstOrThrow()
  const { made } = await db.selectFrom('delivery_message').select((eb) => eb.fn.countAll<number>().as('made')).where('subscription', '=', subscription).executeTakeFirstOrThrow()
  return contents.map((content, index) => {
    const digest = createHash('sha256').update(JSON.stringify([id, subscription, Number(made) + index, [...content].sort()])).digest('hex')
    return `eurowatch-${subscription.replace(/^@/, '')}-${digest.slice(0, 32)}`
  })
}
