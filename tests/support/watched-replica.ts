// A watch of the legacy replica's social-innovation listing over a few runs, for the tests of
// the pages that show it: the real crawl, detail and diff jobs, on a clock one hour a run.
import type { Kysely } from 'kysely'
import type { CrawlSource } from '../../jobs/crawl.ts'
import { runPipeline, type RunSummary } from '../../jobs/run.ts'
import type { Database } from '../../db/schema.ts'
import { resolveProfile } from '../../parsers/index.ts'
import { legacySources } from '../../src/config/defaults.ts'
import type { Fault, Replica } from '../../replica/index.ts'
import { replicaCrawlSettings, silentLog } from './replica.ts'

export const SOCIAL_INNOVATION: CrawlSource = (() => {
  const source = legacySources.find((candidate) => candidate.name === 'social-innovation')
  if (source === undefined) throw new Error('no legacy source social-innovation')
  return { name: source.name, profile: resolveProfile('eurocities-legacy'), url: source.url, maxPages: 50, render: 'http', theme: null }
})()

/** The first run's clock; each run starts one hour after the one before. */
export const WATCH_START = new Date('2026-11-02T08:00:00.000Z')

export interface WatchedRun {
  step: number
  faults?: Fault[]
}

/** Run i (0-based) happens at WATCH_START + i hours, a minute long at most. */
export async function watchReplica(db: Kysely<Database>, replica: Replica, runs: readonly WatchedRun[]): Promise<RunSummary[]> {
  const summaries: RunSummary[] = []
  for (const [index, run] of runs.entries()) {
    const at = WATCH_START.getTime() + index * 3_600_000
    let tick = 0
    // each reading of the clock a little later, so that a run's steps keep their order
    const now = () => new Date(at + Math.min((tick += 1), 59_000))
    replica.setStep(run.step)
    replica.setFaults(run.faults ?? [])
    try {
      summaries.push(await runPipeline({ db, now, log: silentLog }, [SOCIAL_INNOVATION], { ...replicaCrawlSettings(replica), detailPagesPerRun: 100 }, { removeAfter: 2 }))
    } finally {
      replica.setFaults([])
    }
  }
  return summaries
}

/** The moment half an hour after run `index` (0-based) started: after it finished, before the next. */
export function afterRun(index: number): Date {
  return new Date(WATCH_START.getTime() + index * 3_600_000 + 1_800_000)
}
