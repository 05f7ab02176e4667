// Delivery of 10,000 change events: to a webhook receiver on loopback (one request per change),
// beside a bare loop of the same number of POSTs to the same receiver; and to an SMTP server as
// digests. Alone: `npx tsx bench/deliver.ts`.
import { pathToFileURL } from 'node:url'
import { sql, type Kysely } from 'kysely'
import { pino } from 'pino'
import type { Database } from '../db/schema.ts'
import { compileFilter } from '../domain/subscription.ts'
import { deliverPending, registerSubscriptions, type Outbox, type Subscriber } from '../jobs/deliver.ts'
import { startWebhookReceiver } from '../replica/index.ts'
import { emailChannel } from '../src/alerts/email.ts'
import { webhookChannel } from '../src/alerts/webhook.ts'
import { insertSightingRows } from '../tests/support/sighting-rows.ts'
import { startSmtpServer } from '../tests/support/smtp-server.ts'
import { openBenchDatabase, type DiffBenchBackend } from './diff.ts'

export interface DeliveryFigures {
  backend: DiffBenchBackend
  events: number
  bareMs: number
  outboxMs: number
  /** outbox time / bare loop time (target <= 1.5). */
  ratio: number
  webhookPerSecond: number
  digestMs: number
  mails: number
  digestEventsPerSecond: number
}

const log = pino({ level: 'silent' })

export async function benchDelivery(backend: DiffBenchBackend, options: { events?: number; url?: string } = {}): Promise<DeliveryFigures> {
  const events = options.events ?? 10_000
  const receiver = await startWebhookReceiver()
  const smtp = await startSmtpServer()
  const target = await openBenchDatabase(backend, options.url)
  try {
    const clock = new Date('2026-11-30T07:00:30Z')
    const deps = { db: target.db, now: () => clock, log }
    await seedEvents(target.db, events, new Date('2026-11-30T05:00:00Z'))
    const hook: Subscriber = {
      name: 'hook',
      matches: compileFilter({}),
      cadence: { kind: 'immediate' },
      eventsPerMessage: 1,
      channel: webhookChannel({ type: 'webhook', url: receiver.url('/hook'), secret: 'bench-secret-sixteen', timeoutSeconds: 10 }, 3),
      since: null,
    }
    const mail: Subscriber = {
      name: 'mail',
      matches: compileFilter({}),
      cadence: { kind: 'digest', cron: '0 8 * * *', timeZone: 'Europe/Brussels' },
      eventsPerMessage: 500,
      channel: emailChannel({ host: '127.0.0.1', port: smtp.port, secure: false, starttls: 'never', from: 'eurowatch@example.org', timeoutSeconds: 30 }, { type: 'email', to: ['analysts@example.org'], subjectPrefix: '[eurowatch]' }),
      since: null,
    }
    const retry = { maxAttempts: 8, retryBaseSeconds: 60, maxRetrySeconds: 3600 }
    // both subscriptions exist before the changes: every event is theirs
    await registerSubscriptions({ ...deps, now: () => new Date('2026-11-30T04:00:00Z') }, [hook, mail])
    await sql`update subscription set start_run = 1`.execute(target.db)
    await sql`insert into delivery (change_event_id, subscription, created_at) select id, s.name, now() from change_event, (values ('hook'), ('mail')) s(name)`.execute(target.db)

    // the bare loop: the same number of POSTs of a body of the same size, one after the other
    const sample = Buffer.from(JSON.stringify({ version: 1, changes: [{ kind: 'new', entry: { title: 'x'.repeat(200) } }] }))
    const bareStarted = performance.now()
    for (let n = 0; n < events; n += 1) {
      const response = await fetch(receiver.url('/bare'), { method: 'POST', body: sample, headers: { 'Content-Type': 'application/json', 'Idempotency-Key': `bare-${n}` } })
      await response.arrayBuffer()
    }
    const bareMs = performance.now() - bareStarted

    const outboxStarted = performance.now()
    const sent = await deliverPending(deps, { subscribers: [hook], operator: null, retry } satisfies Outbox)
    const outboxMs = performance.now() - outboxStarted
    if (sent.sent !== events) throw new Error(`benchDelivery: ${sent.sent} of ${events} webhook messages sent`)

    const digestStarted = performance.now()
    const mailed = await deliverPending(deps, { subscribers: [mail], operator: null, retry })
    const digestMs = performance.now() - digestStarted
    await mail.channel.close?.()
    return {
      backend,
      events,
      bareMs: Math.round(bareMs),
      outboxMs: Math.round(outboxMs),
      ratio: Math.round((outboxMs / bareMs) * 100) / 100,
      webhookPerSecond: Math.round(events / (outboxMs / 1000)),
      digestMs: Math.round(digestMs),
      mails: mailed.sent,
      digestEventsPerSecond: Math.round(events / (digestMs / 1000)),
    }
  } finally {
    await target.close()
    await receiver.close()
    await smtp.close()
  }
}

/** One run, one listing, `n` new entries with their versions, sightings and change events. */
async function seedEvents(db: Kysely<Database>, n: number, at: Date): Promise<void> {
  await sql`insert into crawl_run (started_at, finished_at, status, diffed_at) values (${at}, ${at}, 'complete', ${at})`.execute(db)
  await sql`insert into listing (source_id, profile, url) values ('bench', 'eurocities-legacy', 'http://www.eurocities.eu/bench')`.execute(db)
  await sql`insert into listing_crawl (run_id, listing_id, status, started_at, finished_at) values (1, 1, 'complete', ${at}, ${at})`.execute(db)
  await sql`insert into page_fetch (run_id, listing_id, page_number, url, fetched_url, status, duration_ms, attempts, outcome, fetched_at)
    values (1, 1, 1, 'http://www.eurocities.eu/bench', 'http://127.0.0.1/bench', 200, 1, 1, 'fetched', ${at})`.execute(db)
  await sql`insert into entry (entry_key, first_seen_run, last_seen_run) select 'WSPO-' || lpad(g::text, 7, '0'), 1, 1 from generate_series(1, ${n}) g`.execute(db)
  await sql`insert into entry_version (entry_id, url, title, type, date, themes, summary, summary_truncated, valid_from_run, valid_from)
    select id, 'http://www.eurocities.eu/eurocities/documents/Entry-' || id, 'Entry ' || id || ': cities for active inclusion', 'news', '2019-10-23',
      '{culture,economy}', 'Summary of entry ' || id || ', long enough to read like the summary of a real publication of the network.', false, 1, ${at}
    from entry`.execute(db)
  await insertSightingRows(db, sql`select 1 as run_id, 1 as listing_id, id as entry_id, 1 as page_fetch_id, 1 as page_number, id as position from entry`)
  await sql`insert into change_event (run_id, entry_id, kind, version_id, listing_id, created_at) select 1, e.id, 'new', v.id, 1, ${at} from entry e join entry_version v on v.entry_id = e.id`.execute(db)
  await sql`analyze`.execute(db)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const withServer = Boolean(process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL)
  for (const backend of ['pglite', ...(withServer ? ['postgres' as const] : [])] as const) {
    console.log(JSON.stringify(await benchDelivery(backend, { events: Number(process.env.BENCH_EVENTS ?? 10_000) })))
  }
}
