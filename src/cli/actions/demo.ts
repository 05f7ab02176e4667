import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Command } from 'commander'
import { closeDatabase, openDatabase } from '../../../db/connection.ts'
import { migrateToLatest } from '../../../db/migrate.ts'
import { loadReport } from '../../../jobs/report.ts'
import { runPipeline, type RunSummary } from '../../../jobs/run.ts'
import { legacySources, replicaHosts } from '../../config/defaults.ts'
import { ConfigSchema } from '../../config/schema.ts'
import { OriginMap } from '../../../crawlers/origin-map.ts'
import { legacyTimeline, startReplica } from '../../../replica/index.ts'
import { renderText } from '../../reports/text.ts'
import { useColor } from '../color.ts'
import { cliLogger, environment } from '../context.ts'
import { crawlSettings, selectSources } from '../crawl-setup.ts'

export default async function demo(_raw: unknown, command: Command): Promise<void> {
  const env = environment()
  const say = (line: string) => process.stdout.write(`${line}\n`)
  const dataDir = mkdtempSync(join(tmpdir(), 'eurowatch-demo-'))
  const replica = await startReplica({ port: 0, step: 0 })
  const db = await openDatabase({ kind: 'pglite', dataDir })
  try {
    await migrateToLatest(db)
    const config = ConfigSchema.parse({ sources: legacySources })
    const sources = selectSources(config, undefined, undefined)
    const settings = crawlSettings(config, new OriginMap(replicaHosts, replica.origin), env)
    const deps = { db, now: () => new Date(), log: cliLogger(command, env) }
    const run = () => runPipeline(deps, sources, settings, { removeAfter: 2 })
    say(`Replica of the EUROCITIES legacy site at ${replica.origin}; ${sources.length} listings; a fresh PGlite database in ${dataDir}`)

    say(`\n1. First run, timeline step 0 (${legacyTimeline[0]?.description}):`)
    say(`   ${describe(await run())}`)

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

    say(`\n3. The report of runs ${changed.crawl.runId} and ${confirmed.crawl.runId}:\n`)
    const { report } = await loadReport(deps, { runIds: [changed.crawl.runId, confirmed.crawl.runId] })
    process.stdout.write(renderText(report, { color: useColor(undefined, process.stdout, env.NO_COLOR) }))
  } finally {
    await closeDatabase(db)
    await replica.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

function describe(summary: RunSummary): string {
  const { crawl } = summary
  const counts = summary.diffs.map((diff) => Object.entries(diff.inserted).filter(([, n]) => n > 0).map(([kind, n]) => `${n} ${kind}`).join(', '))
  return `${crawl.status} crawl of ${crawl.pagesFetched} pages (${crawl.entriesSeen} entries) in ${(crawl.durationMs / 1000).toFixed(1)} s; ${counts.join('; ') || 'no changes'}`
}
