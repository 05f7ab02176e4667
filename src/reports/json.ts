// The JSON report: a stable, versioned shape (docs/report-json.md). Bump `version` on any
// change that could break a consumer; adding a key is not one, renaming or retyping is.
import type { ChangeEvent, ChangeKind, FieldChange, HealthEvent } from '../../domain/change.ts'
import type { EntryDetail } from '../../domain/detail.ts'
import type { RunStatus } from '../../domain/run-status.ts'
import { themeDelta } from './fields.ts'
import { reportEvents, type ChangeReport } from '../../domain/change-report.ts'

export const REPORT_JSON_VERSION = 1

export interface ReportJson {
  version: typeof REPORT_JSON_VERSION
  generatedAt: string
  scope: { runIds: number[] } | { since: string }
  /** `incremental`: the listings the run read incrementally, with their last complete full crawl (null: never). */
  runs: { id: number; status: RunStatus; startedAt: string; finishedAt: string | null; incremental: { source: string; lastFullAt: string | null }[] }[]
  counts: Record<ChangeKind, number>
  /** Entries of listings' first complete crawls: not in `changes`. */
  baseline: { entries: number; listings: string[] }
  health: HealthJson[]
  changes: ChangeJson[]
}

export interface HealthJson {
  runId: number
  listing: { source: string; url: string }
  pageUrl: string | null
  problem: HealthEvent['problem']
  message: string
  detectedAt: string
}

export interface ChangeJson {
  kind: ChangeKind
  runId: number
  listing: { source: string; url: string } | null
  /** Every listing that showed the entry in the run, with its position there. */
  listings: { source: string; url: string; position: number }[]
  entry: {
    key: string
    url: string
    title: string | null
    type: string | null
    date: string | null
    endDate: string | null
    themes: string[]
    summary: string | null
    documentType: string | null
    /** What the version's own page said (README, "Detail pages"); null when it was not read. */
    detail: EntryDetail | null
  }
  fields: FieldJson[]
  detectedAt: string
}

export interface FieldJson {
  field: FieldChange['field']
  before: FieldChange['before']
  after: FieldChange['after']
  added?: string[]
  removed?: string[]
}

/** Changes in report order (listing, then kind); keys are always present, null when empty. */
export function toReportJson(report: ChangeReport): ReportJson {
  return {
    version: REPORT_JSON_VERSION,
    generatedAt: report.generatedAt.toISOString(),
    scope: 'since' in report.scope ? { since: report.scope.since } : { runIds: [...report.scope.runIds] },
    runs: report.runs.map((run) => ({
      id: run.id,
      status: run.status,
      startedAt: run.startedAt.toISOString(),
      finishedAt: run.finishedAt?.toISOString() ?? null,
      incremental: (run.incremental ?? []).map(({ source, lastFullAt }) => ({ source, lastFullAt: lastFullAt?.toISOString() ?? null })),
    })),
    counts: { ...report.counts },
    baseline: { entries: report.baseline.entries, listings: [...report.baseline.listings] },
    health: report.health.map((event) => ({
      runId: event.runId,
      listing: { source: event.listing.source, url: event.listing.url },
      pageUrl: event.pageUrl,
      problem: event.problem,
      message: event.message,
      detectedAt: event.detectedAt.toISOString(),
    })),
    changes: reportEvents(report).map(changeJson),
  }
}

export function renderJson(report: ChangeReport): string {
  return `${JSON.stringify(toReportJson(report), null, 2)}\n`
}

/** One change as the JSON report shows it; the API's changes are these. */
export function changeJson(event: ChangeEvent): ChangeJson {
  const { entry } = event
  return {
    kind: event.kind,
    runId: event.runId,
    listing: event.listing === null ? null : { source: event.listing.source, url: event.listing.url },
    listings: event.seenOn.map((seen) => ({ source: seen.listing.source, url: seen.listing.url, position: seen.position })),
    entry: {
      key: entry.key,
      url: entry.url,
      title: entry.title,
      type: entry.type,
      date: entry.date,
      endDate: entry.endDate,
      themes: [...entry.themes],
      summary: entry.summary,
      documentType: entry.documentType,
      detail: event.detail ?? null,
    },
    fields: event.changes.map(fieldJson),
    detectedAt: event.detectedAt.toISOString(),
  }
}

/** added/removed: always on themes, never on other fields. */
function fieldJson(change: FieldChange): FieldJson {
  const field: FieldJson = { field: change.field, before: change.before, after: change.after }
  if (change.field !== 'themes') return field
  const { added, removed } = themeDelta(change)
  return { ...field, added: [...added], removed: [...removed] }
}
