// Loads what a report shows (events, health, runs) and builds the report model: shared by
// `eurowatch report` and anything that prints a report after a run.
import type { Kysely } from 'kysely'
import { eventsOfRuns, eventsSince, healthOfRuns, healthSince, runsByIds, runsSince, type RunInfo } from '../db/report-queries.ts'
import { incrementalCrawlsOfRuns, type IncrementalCrawl } from '../db/incremental.ts'
import { markRunsPrinted, unprintedRuns } from '../db/printed-runs.ts'
import type { Database } from '../db/schema.ts'
import { buildReport, type ChangeReport, type ReportRun } from '../domain/change-report.ts'

export type ReportRequest = { runIds: number[] } | { since: Date; sinceText: string }

export interface LoadedReport {
  report: ChangeReport
  /** The runs in scope, with whether the diff has recorded their changes yet. */
  runs: RunInfo[]
  /** Asked-for run ids that do not exist. */
  missingRunIds: number[]
}

export async function loadReport(deps: { db: Kysely<Database>; now: () => Date }, request: ReportRequest): Promise<LoadedReport> {
  const { db } = deps
  if ('since' in request) {
    const [runs, events, health] = await Promise.all([runsSince(db, request.since), eventsSince(db, request.since), healthSince(db, request.since)])
    const incremental = await incrementalCrawlsOfRuns(db, runs.map((run) => run.id))
    return { report: buildReport(events, health, runs.map((run) => reportRun(run, incremental)), { since: request.sinceText }, deps.now()), runs, missingRunIds: [] }
  }
  const ids = [...new Set(request.runIds)].sort((a, b) => a - b)
  const [runs, events, health, incremental] = await Promise.all([runsByIds(db, ids), eventsOfRuns(db, ids), healthOfRuns(db, ids), incrementalCrawlsOfRuns(db, ids)])
  const found = new Set(runs.map((r) => r.id))
  return {
    report: buildReport(events, health, runs.map((run) => reportRun(run, incremental)), { runIds: ids }, deps.now()),
    runs,
    missingRunIds: ids.filter((id) => !found.has(id)),
  }
}

/**
 * The report of every diffed run whose changes no `eurowatch run` has printed yet, handed to
 * `print`. The runs are marked printed only once `print` has resolved (the output flushed): a
 * process killed before leaves them to the next call. Call it while holding the run lock, so
 * that two runs never print the same changes.
 */
export async function printUnprinted(deps: { db: Kysely<Database>; now: () => Date }, print: (loaded: LoadedReport) => Promise<void>): Promise<LoadedReport> {
  const runIds = await unprintedRuns(deps.db)
  const loaded = await loadReport(deps, { runIds })
  await print(loaded)
  await markRunsPrinted(deps.db, runIds, deps.now())
  return loaded
}

/** The runs among `ids` as a report shows them (with their incremental listings), oldest first. */
export async function loadReportRuns(db: Kysely<Database>, ids: readonly number[]): Promise<ReportRun[]> {
  const [runs, incremental] = await Promise.all([runsByIds(db, ids), incrementalCrawlsOfRuns(db, ids)])
  return runs.map((run) => reportRun(run, incremental))
}

function reportRun(run: RunInfo, incremental: readonly IncrementalCrawl[]): ReportRun {
  const listings = incremental.filter((crawl) => crawl.runId === run.id).map(({ source, lastFullAt }) => ({ source, lastFullAt }))
  return { id: run.id, status: run.status, startedAt: run.startedAt, finishedAt: run.finishedAt, ...(listings.length > 0 ? { incremental: listings } : {}) }
}
