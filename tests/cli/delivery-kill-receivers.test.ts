// A killed `deliver` re-sends at most the messages in flight: counted at a real SMTP server and a
// real webhook receiver. Several messages wait on both channels; the mail goes out fast, the
// webhook receiver holds its answers; `deliver` is killed (SIGKILL) once every mail was received,
// then run again. Each channel records a message's outcome before it starts another, so what a
// receiver got before a later message started was recorded, and must not come again.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import { describe, it } from 'vitest'
import type { Database } from '../../db/schema.ts'
import type { ChangeKind } from '../../domain/change.ts'
import { emailMessageId } from '../../src/alerts/email.ts'
import { legacySources } from '../../src/config/defaults.ts'
import { backends, type BackendName } from '../support/databases.ts'
import { startSmtpServer } from '../support/smtp-server.ts'
import { startWebhookReceiver } from '../support/webhook-receiver.ts'
import { createCliDatabase } from './support/cli-database.ts'
import { BIN, runCli } from './support/cli.ts'

const MAILS = 4
const HOOKS = 10
// the webhook channel sends 4 at once: the first 2 answered at once, the rest held
const HOOK_CONCURRENCY = 4
const ANSWERED_HOOKS = 2
const SOURCE = legacySources.find((source) => source.name === 'social-innovation')?.url as string

describe('a killed deliver', () => {
  it.concurrent.for(backends)('re-sends only the messages in flight on each channel, on %s', { timeout: 300_000 }, async (backend: BackendName, { expect }) => {
    const smtp = await startSmtpServer()
    const hooks = await startWebhookReceiver({ script: (n) => (n <= ANSWERED_HOOKS ? undefined : { delayMs: 600_000 }) })
    const dir = mkdtempSync(join(tmpdir(), `eurowatch-deliver-kill-${backend}-`))
    const db = await createCliDatabase(backend, dir)
    try {
      writeFileSync(
        join(dir, 'eurowatch.yaml'),
        `sources:
  - { name: social-innovation, profile: eurocities-legacy, url: '${SOURCE}' }
smtp: { host: 127.0.0.1, port: ${smtp.port}, starttls: never, from: "eurowatch <eurowatch@example.org>", timeoutSeconds: 5 }
subscriptions:
  - name: mail
    channel: { type: email, to: [analysts@example.org] }
  - name: hook
    channel: { type: webhook, url: "${hooks.url('/hook')}" }
`,
      )
      const env = { ...process.env, ...db.env }
      const migrated = await runCli(dir, ['migrate'], db.env)
      expect(migrated.code, migrated.stderr).toBe(0)
      const keys = await db.read((handle) => seedMessages(handle, { mail: MAILS, hook: HOOKS }))

      const child = spawn('node', [BIN, 'deliver'], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] })
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      const exited = new Promise<void>((resolve) => child.once('close', () => resolve()))
      // every mail received, and the webhook channel started its messages after the answered ones
      await Promise.race([
        Promise.all([smtp.waitForMessages(MAILS), hooks.waitForRequests(ANSWERED_HOOKS + HOOK_CONCURRENCY)]),
        exited.then(() => {
          throw new Error(`deliver ended before the kill: ${stderr}`)
        }),
      ])
      expect(child.kill('SIGKILL')).toBe(true)
      await exited
      const inFlight = { mail: keys.mail.slice(MAILS - 1), hook: hooks.requests.filter((request) => request.answer === 'delayed').map((request) => request.idempotencyKey) }
      expect(inFlight.hook).toHaveLength(HOOK_CONCURRENCY)

      hooks.setScript([])
      const again = await runCli(dir, ['deliver'], db.env)
      expect(again.code, again.stderr).toBe(0)

      const mailsOf = (key: string) => smtp.messages.filter((message) => bare(message.parsed.messageId) === bare(emailMessageId(key))).length
      const hooksOf = (key: string) => hooks.requests.filter((request) => request.idempotencyKey === key).length
      const received = { mail: keys.mail.map((key) => [key, mailsOf(key)] as const), hook: keys.hook.map((key) => [key, hooksOf(key)] as const) }
      for (const channel of ['mail', 'hook'] as const) {
        // in flight at the kill: once or twice; any other: exactly once
        const wrong = received[channel].filter(([key, count]) => (inFlight[channel].includes(key) ? count < 1 || count > 2 : count !== 1))
        expect(wrong, `${channel}: messages received a wrong number of times`).toEqual([])
      }
      const statuses = await db.read((handle) => handle.selectFrom('delivery_message').select('status').execute())
      expect(statuses.map((row) => row.status)).toEqual(Array.from({ length: MAILS + HOOKS }, () => 'sent'))
    } finally {
      await Promise.all([smtp.close(), hooks.close()])
      await db.drop()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

/** A Message-ID without its angle brackets (mailparser may keep or drop them). */
function bare(messageId: string | undefined): string | undefined {
  return messageId?.replace(/^<|>$/g, '')
}

/** One change event per message, each already in its own message: the messages' keys, per subscription in sending order. */
async function seedMessages(db: Kysely<Database>, counts: { mail: number; hook: number }): Promise<{ mail: string[]; hook: string[] }> {
  const at = new Date('2026-11-27T06:00:00Z')
  const run = await db.insertInto('crawl_run').values({ started_at: at, finished_at: at, status: 'complete', error: null, diffed_at: at }).returning('id').executeTakeFirstOrThrow()
  const listing = await db.insertInto('listing').values({ source_id: 'social-innovation', profile: 'eurocities-legacy', url: SOURCE }).returning('id').executeTakeFirstOrThrow()
  const keys = { mail: [] as string[], hook: [] as string[] }
  for (const subscription of ['mail', 'hook'] as const) {
    await db.insertInto('subscription').values({ name: subscription, start_run: run.id, created_at: at, last_digest_at: null }).execute()
    for (let n = 1; n <= counts[subscription]; n += 1) {
      const entry = await db.insertInto('entry').values({ entry_key: `${subscription}-${n}`, first_seen_run: run.id, last_seen_run: run.id, removed_at: null }).returning('id').executeTakeFirstOrThrow()
      const version = await db
        .insertInto('entry_version')
        .values({
          entry_id: entry.id, url: `${SOURCE}/${subscription}-${n}`, title: `Entry ${subscription} ${n}`, type: 'news', date: null, end_date: null, themes: [], summary: null,
          summary_truncated: false, document_type: null, valid_from_run: run.id, valid_to_run: null, valid_from: at, valid_to: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const event = await db
        .insertInto('change_event')
        .values({ run_id: run.id, entry_id: entry.id, kind: 'new' as ChangeKind, version_id: version.id, previous_version_id: null, listing_id: listing.id, changes: '[]', created_at: at })
        .returning('id')
        .executeTakeFirstOrThrow()
      const key = `kill-${subscription}-${n}`
      const message = await db
        .insertInto('delivery_message')
        .values({ subscription, key, kind: 'changes', next_attempt_at: at, created_at: at, last_error: null, notices: null, sent_at: null })
        .returning('id')
        .executeTakeFirstOrThrow()
      await db.insertInto('delivery').values({ change_event_id: event.id, subscription, created_at: at, message_id: message.id }).execute()
      keys[subscription].push(key)
    }
  }
  return keys
}
