import { rmSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import type { Logger } from '../../logging.ts'
import { closeDatabase, openDatabase } from '../../../db/connection.ts'
import { lockDataDir } from '../../../db/data-dir-lock.ts'
import { migrateToLatest } from '../../../db/migrate.ts'
import { loadReport } from '../../../jobs/report.ts'
import { runPipeline, type RunSummary } from '../../../jobs/run.ts'
import { legacySources, replicaHosts } from '../../config/defaults.ts'
import { ConfigSchema } from '../../config/schema.ts'
import { OriginMap } from '../../../crawlers/origin-map.ts'
import { legacyTimeline, startReplica, startWebhookReceiver, type ReceivedRequest } from '../../../replica/index.ts'
import { closeOutbox, outboxOf } from '../../alerts/subscribers.ts'
import { siteLine } from '../../reports/site-text.ts'
import { renderText } from '../../reports/text.ts'
import { KIND_ORDER } from '../../../domain/change-report.ts'
import { useColor } from '../color.ts'
import { cliLogger, environment } from '../context.ts'
import { crawlSettings, selectSources } from '../crawl-setup.ts'

/** Where the demo keeps its database, in the current folder: `eurowatch serve --offline` shows it. */
export const DEMO_DATA_DIR = '.eurowatch/demo'

export default async function demo(_raw: unknown, command: Command): Promise<void> {
  const dataDir = resolve(DEMO_DATA_DIR)
  const say = (line: string) => process.stdout.write(`${line}\n`)
  await recordDemo(dataDir, say, cliLogger(command, environment()))
  say(`\nThese runs are kept in ${DEMO_DATA_DIR}: see them in a browser with \`npx eurowatch serve --offline\` (delete the folder to remove them).`)
}

/** The demo's runs into a fresh database in `dataDir` (a previous demo's is replaced), told line by line to `say`. */
export async function recordDemo(dataDir: string, say: (line: string) => void, log: Logger): Promise<void> {
  const env = environment()
  // never from under a `serve --offline` that has it open: its lock refuses us first
  const release = await lockDataDir(dataDir)
  rmSync(dataDir, { recursive: true, force: true })
  await release()
  const replica = await startReplica({ port: 0, step: 0 })
  // an analyst's system on loopback: it receives the webhook of the demo's subscription
  const receiver = await startWebhookReceiver()
  const db = await openDatabase({ kind: 'pglite', dataDir })
  const config = ConfigSchema.parse({
    sources: legacySources,
    // the replica moves months on between two runs a second apart: each run is the full crawl a day would bring
    fullCrawl: { everyRuns: 1 },
    subscriptions: [{ name: 'analysts', channel: { type: 'webhook', url: receiver.url('/eurowatch') }, filter: { kinds: ['new', 'changed', 'moved', 'removed'] } }],
  })
  const outbox = outboxOf(config, dataDir)
  try {
    await migrateToLatest(db)
    const sources = selectSources(config, undefined, undefined)
    const settings = crawlSettings(config, new OriginMap(replicaHosts, replica.origin), env)
    const deps = { db, now: () => new Date(), log }
    const run = () => runPipeline(deps, sources, settings, { removeAfter: 2 }, outbox)
    say(`Replica of the EUROCITIES legacy site at ${replica.origin}; ${sources.length} listings; a fresh PGlite database in ${dataDir}`)
    say(`Subscription "analysts": a webhook to ${receiver.url('/eurowatch')} (a receiver on loopback), for new, changed, moved and removed entries`)

    say(`\n1. First run, timeline step 0 (${legacyTimeline[0]?.description}):`)
    say(`   ${describe(await run())}`)
    say(`   webhook requests so far: ${receiver.requests.length} (the baseline is recorded, not announced)`)

    const last = legacyTimeline.length - 1
    replica.setStep(last)
    say(`\n2. The site moves on to step ${last}:`)
    for (const step of legacyTimeline.slice(1)) say(`   - ${step.description}`)
    const changed = await run()
    say(`   run ${changed.crawl.runId}: ${describe(changed)}`)
    const confirmed = await run()
    say(`   run ${confirmed.crawl.runId} (same site, second complete crawl without the removed entry): ${describe(confirmed)}`)
    const repeated = await run()
    say(`   run ${repeated.crawl.runId} (same site again): ${describe(repeated)}`)

    say(`\n3. What reached the subscription's webhook, one request per change, each with its Idempotency-Key:`)
    // requests go a few at a time: shown in report order, not in order of arrival
    for (const line of receiver.accepted().map(describeRequest).sort(byKindThenTitle)) say(`   ${line}`)

    say(`\n4. The report of runs ${changed.crawl.runId} and ${confirmed.crawl.runId}:\n`)
    const { report } = await loadReport(deps, { runIds: [changed.crawl.runId, confirmed.crawl.runId] })
    say(renderText(report, { color: useColor(undefined, process.stdout, env.NO_COLOR) }).trimEnd())
  } finally {
    await closeOutbox(outbox)
    await closeDatabase(db)
    await receiver.close()
    await replica.close()
  }
}

function describe(summary: RunSummary): string {
  const { crawl } = summary
  const counts = summary.diffs.map((diff) =>
    Object.entries(diff.inserted)
      .map(([kind, n]) => [kind, kind === 'new' ? n - diff.baselineInserted : n] as const)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${n} ${kind}`)
      .concat(diff.baselineInserted > 0 ? [`baseline of ${diff.baselineInserted} entries`] : [])
      .join(', '),
  )
  const sent = summary.delivery === null || summary.delivery.sent === 0 ? '' : `; ${summary.delivery.sent} sent to the webhook`
  return `${crawl.status} crawl of ${crawl.pagesFetched} pages (${crawl.entriesSeen} entries) in ${(crawl.durationMs / 1000).toFixed(1)} s; ${counts.join('; ') || 'no changes'}${sent}`
}

function byKindThenTitle(a: string, b: string): number {
  const kind = (line: string) => KIND_ORDER.findIndex((k) => line.includes(`  ${k}: `))
  return kind(a) - kind(b) || a.slice(11).localeCompare(b.slice(11))
}

function describeRequest(request: ReceivedRequest): string {
  const body = JSON.parse(request.text) as { changes: { kind: string; entry: { title: string | null; key: string } }[] }
  const changes = body.changes.map((change) => `${change.kind}: ${siteLine(change.entry.title ?? change.entry.key)}`).join('; ')
  return `${request.idempotencyKey?.replace(/^eurowatch-analysts-/, '').slice(0, 8) ?? '-'}…  ${changes}`
}
