// Requests and bytes of steady-state runs: an unchanged re-run of the demo's four legacy listings
// crawled in full (every page, as every run did before incremental crawls) and incrementally; and a
// 1,000-page listing with one new entry on page 1. Not wired into bench/index.ts yet: run it alone
// with `npx tsx bench/incremental.ts`.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { closeDatabase, openDatabase } from '../db/connection.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { OriginMap } from '../crawlers/origin-map.ts'
import { crawlJob, type CrawlJobSettings, type CrawlSource } from '../jobs/crawl.ts'
import { resolveProfile } from '../parsers/index.ts'
import { startReplica } from '../replica/index.ts'
import { legacySources, replicaHosts } from '../src/config/defaults.ts'
import { entryKey, startConditionalSite } from '../tests/support/conditional-site.ts'

export interface RunFigures {
  label: string
  requests: number
  bytes: number
  pages: number
  ms: number
}

const log = pino({ level: 'silent' })

function settingsFor(origins: OriginMap, full: boolean): CrawlJobSettings {
  return {
    userAgent: 'eurowatch-bench/1',
    respectRobotsTxt: true,
    perHostDelaySeconds: 0,
    maxConcurrency: 4,
    maxRetries: 1,
    retryBaseDelaySeconds: 0.01,
    maxRetryAfterSeconds: 1,
    timeoutSeconds: 30,
    maxResponseBytes: 5_000_000,
    origins,
    full,
  }
}

async function withDatabase<T>(work: (deps: Parameters<typeof crawlJob>[0]) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'eurowatch-bench-incremental-'))
  const db = await openDatabase({ kind: 'pglite', dataDir })
  try {
    await migrateToLatest(db)
    return await work({ db, now: () => new Date(), log })
  } finally {
    await closeDatabase(db)
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/** The demo's four legacy listings on the replica: a first run, then unchanged re-runs in full and incremental. */
export async function benchLegacyRerun(): Promise<RunFigures[]> {
  const replica = await startReplica({ port: 0, step: 0 })
  try {
    return await withDatabase(async (deps) => {
      const sources: CrawlSource[] = legacySources.map((source) => ({
        name: source.name,
        profile: resolveProfile(source.profile),
        url: source.url,
        maxPages: 200,
        render: 'http',
        theme: null,
        fullCrawl: { everyRuns: 1000, olderThanHours: null },
      }))
      const origins = new OriginMap(replicaHosts, replica.origin)
      const figures: RunFigures[] = []
      for (const [label, full] of [
        ['first run (full)', true],
        ['unchanged re-run, full (before)', true],
        ['unchanged re-run, incremental (after)', false],
      ] as const) {
        replica.resetRequests()
        const started = performance.now()
        const summary = await crawlJob(deps, sources, settingsFor(origins, full))
        const requests = replica.requests()
        figures.push({ label, requests: requests.length, bytes: requests.reduce((sum, request) => sum + request.bytes, 0), pages: summary.pagesFetched, ms: Math.round(performance.now() - started) })
      }
      return figures
    })
  } finally {
    await replica.close()
  }
}

/** A 1,000-page listing (10,000 entries): a full crawl, then one new entry on page 1 and an incremental run. */
export async function benchThousandPages(): Promise<RunFigures[]> {
  const site = await startConditionalSite(10_000)
  try {
    return await withDatabase(async (deps) => {
      const source: CrawlSource = {
        name: 'archive',
        profile: resolveProfile('eurocities-legacy'),
        url: site.listingUrl,
        maxPages: 2000,
        render: 'http',
        theme: null,
        fullCrawl: { everyRuns: 1000, olderThanHours: null },
      }
      const figures: RunFigures[] = []
      const measure = async (label: string, full: boolean) => {
        site.requests = []
        const started = performance.now()
        const summary = await crawlJob(deps, [source], settingsFor(new OriginMap(), full))
        figures.push({ label, requests: site.requests.length, bytes: site.requests.reduce((sum, request) => sum + request.bytes, 0), pages: summary.pagesFetched, ms: Math.round(performance.now() - started) })
      }
      await measure('full crawl', true)
      site.keys.unshift(entryKey(1_000_000))
      await measure('one new entry on page 1, incremental', false)
      await measure('unchanged, incremental', false)
      return figures
    })
  } finally {
    await site.close()
  }
}

export function formatRun(figures: RunFigures): string {
  return `${figures.label}: ${figures.requests} requests (robots.txt included), ${(figures.bytes / 1024).toFixed(1)} KB, ${figures.pages} pages stored, ${(figures.ms / 1000).toFixed(1)} s`
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('# unchanged re-run of the four legacy listings (replica, PGlite)')
  for (const figures of await benchLegacyRerun()) console.log(formatRun(figures))
  console.log('\n# the 1,000-page listing (loopback, PGlite)')
  for (const figures of await benchThousandPages()) console.log(formatRun(figures))
}
