// A database that watched the legacy replica through its timeline: real crawls and diffs, one run per step.
import { pino } from 'pino'
import type { Kysely } from 'kysely'
import { crawlJob, type CrawlSource } from '../../jobs/crawl.ts'
import { diffRun } from '../../jobs/diff.ts'
import { eurocitiesLegacy } from '../../parsers/eurocities-legacy.ts'
import type { Replica } from '../../replica/index.ts'
import { legacySources } from '../../src/config/defaults.ts'
import type { Database } from '../../db/schema.ts'
import { replicaCrawlSettings } from './replica.ts'

/** The two legacy listings the timeline's changes happen on. */
export const timelineSources: CrawlSource[] = legacySources
  .filter((source) => source.name === 'social-innovation' || source.name === 'documents-social-affairs')
  .map((source) => ({ name: source.name, profile: eurocitiesLegacy, url: source.url, maxPages: 50, render: 'http', theme: null }))

/** Crawls and diffs the replica at each step in turn; returns the run ids. */
export async function runTimeline(db: Kysely<Database>, replica: Replica, steps: readonly number[]): Promise<number[]> {
  const deps = { db, now: () => new Date(), log: pino({ level: 'silent' }) }
  const runIds: number[] = []
  for (const step of steps) {
    replica.setStep(step)
    const crawl = await crawlJob(deps, timelineSources, replicaCrawlSettings(replica))
    await diffRun(deps, crawl.runId, { removeAfter: 2 })
    runIds.push(crawl.runId)
  }
  return runIds
}
