// The diff job: compares what run R saw with the stored versions and records change events.
// Each kind is one set-based statement for all entries; only changed/moved are decided in JS
// (by diffVersions, the one comparison history shows too), then inserted in one statement.
import type { Kysely } from 'kysely'
import {
  findVersionPairs, insertChangeEvents, insertNewEvents, insertReappearedEvents, insertRemovedEvents, markUnlisted, removalCandidates,
  type ChangeToInsert, type InsertedEvent, type RemovalCandidate, type VersionPair,
} from '../db/changes.ts'
import type { EntryPageAnswer } from '../crawlers/entry-pages.ts'
import { lockRunForDiff, markRunDiffed, pendingDiffRuns } from '../db/diff-runs.ts'
import { eventsOfRuns, healthOfRuns } from '../db/report-queries.ts'
import type { Database } from '../db/schema.ts'
import { refreshStaleStatistics } from '../db/statistics.ts'
import type { ChangeEvent, ChangeKind, FieldChange, HealthEvent } from '../domain/change.ts'
import { UserError } from '../domain/errors.ts'
import { diffVersions } from '../domain/version-diff.ts'
import type { VersionFields } from '../domain/versioning.ts'
import type { JobDeps } from './crawl.ts'
import { recordDeliveries, type Subscriber } from './deliver.ts'
import { noteRunProblems } from './operator.ts'

export interface DiffOptions {
  /** Complete crawls of a listing the entry must be absent from before it is reported removed. */
  removeAfter: number
  /** Whose deliveries the run's changes become, in the same transaction. */
  subscriptions?: readonly Pick<Subscriber, 'name' | 'matches'>[]
  /** An operator channel is configured: problems opened or resolved become its message. */
  tellOperator?: boolean
  /**
   * Asks the pages of the entries about to be reported removed (see crawlers/entry-pages.ts), by URL.
   * Without it the listings alone decide (the diff verb, which has no crawl settings of its own).
   */
  askEntryPages?: (candidates: readonly RemovalCandidate[]) => Promise<Map<string, EntryPageAnswer>>
}

/** What the entry pages said: removed, still on the site but no longer listed, or asked again next run. */
interface RemovalCheck {
  removed: number[]
  unlisted: number[]
}

export const defaultDiffOptions: DiffOptions = { removeAfter: 2 }

export type KindCounts = Record<ChangeKind, number>

export interface DiffSummary {
  runId: number
  /** Every event of the run, this call's and earlier ones'. */
  counts: KindCounts
  /** Events recorded by this call only: all zero when the run had been diffed already. */
  inserted: KindCounts
  /** Of the `new` events recorded by this call, those of listings' first complete crawls. */
  baselineInserted: number
  events: ChangeEvent[]
  health: HealthEvent[]
}

/** Diffs one finished run in one transaction; a repeated call records nothing new. */
export async function diffRun(deps: JobDeps, runId: number, options: DiffOptions = defaultDiffOptions): Promise<DiffSummary> {
  const at = deps.now()
  // asked before the transaction: HTTP requests must not hold it open
  // its statements read every entry of the run: with stale statistics, a big page's diff is quadratic
  await refreshStaleStatistics(deps.db)
  const check = options.askEntryPages ? await checkRemovals(deps, runId, options.removeAfter, options.askEntryPages) : null
  const summary = await deps.db.transaction().execute(async (trx) => {
    // Through trx only: with PGlite, touching deps.db here would wait for this very transaction.
    const run = await lockRunForDiff(trx, runId)
    if (run === undefined) throw new UserError(`no crawl run ${runId}`, 'see the run ids printed by `eurowatch crawl`')
    if (run.status === 'running') throw new UserError(`run ${runId} is still running`, 'diff it once its crawl has finished')
    const inserted = await recordEvents(trx, runId, options, at, check)
    await markRunDiffed(trx, runId, at)
    const events = await eventsOfRuns(trx, [runId])
    await recordDeliveries(trx, runId, events, options.subscriptions ?? [], at)
    await noteRunProblems(trx, runId, at, options.tellOperator ?? false)
    const health = await healthOfRuns(trx, [runId])
    const insertedIds = new Set(inserted.map((event) => event.id))
    const baselineInserted = events.filter((event) => event.baseline && insertedIds.has(event.id)).length
    return { runId, counts: countKinds(events), inserted: countKinds(inserted), baselineInserted, events, health }
  })
  deps.log.info({ runId, ...summary.inserted }, 'diff recorded')
  return summary
}

/** Diffs every finished run that has not been diffed, oldest first (completes a run killed before its diff). */
export async function diffPending(deps: JobDeps, options: DiffOptions = defaultDiffOptions): Promise<DiffSummary[]> {
  const summaries: DiffSummary[] = []
  for (const runId of await pendingDiffRuns(deps.db)) summaries.push(await diffRun(deps, runId, options))
  return summaries
}

async function recordEvents(trx: Kysely<Database>, runId: number, options: DiffOptions, at: Date, check: RemovalCheck | null): Promise<InsertedEvent[]> {
  const reappeared = await insertReappearedEvents(trx, runId, at)
  const removed = await insertRemovedEvents(trx, runId, options.removeAfter, at, check?.removed ?? null)
  if (check) await markUnlisted(trx, runId, check.unlisted)
  const added = await insertNewEvents(trx, runId, at)
  const changes = (await findVersionPairs(trx, runId)).flatMap((pair) => changeOf(pair) ?? [])
  const changed = await insertChangeEvents(trx, runId, changes, at)
  return [...reappeared, ...removed, ...added, ...changed]
}

/**
 * The entries run R would report removed, each page asked: gone (or not ours to ask) is removed; still
 * answering is "no longer listed", not a removal; no trustworthy answer now is asked again next run.
 */
async function checkRemovals(deps: JobDeps, runId: number, removeAfter: number, ask: NonNullable<DiffOptions['askEntryPages']>): Promise<RemovalCheck> {
  const candidates = await removalCandidates(deps.db, runId, removeAfter)
  if (candidates.length === 0) return { removed: [], unlisted: [] }
  const answers = await ask(candidates)
  const answerOf = (candidate: RemovalCandidate) => answers.get(candidate.url) ?? 'unsure'
  const check = {
    removed: candidates.filter((candidate) => ['gone', 'unasked'].includes(answerOf(candidate))).map((candidate) => candidate.entryId),
    unlisted: candidates.filter((candidate) => answerOf(candidate) === 'answers').map((candidate) => candidate.entryId),
  }
  const postponed = candidates.length - check.removed.length - check.unlisted.length
  if (check.unlisted.length + postponed > 0) {
    deps.log.info({ runId, unlisted: check.unlisted.length, postponed }, 'entries gone from their listings whose pages still answer (or did not answer now) are not reported removed')
  }
  return check
}

function changeOf(pair: VersionPair): ChangeToInsert | null {
  const change = classifyChange(pair.before, pair.after)
  if (change === null) return null
  return { entryId: pair.entryId, versionId: pair.afterId, previousVersionId: pair.beforeId, listingId: pair.listingId, ...change }
}

/**
 * What the step from one stored version to the next means for a reader: null when it is no
 * change (cosmetics, a cut summary, a completed one), 'moved' when the URL changed (one event,
 * with every field change), 'changed' otherwise.
 */
function classifyChange(before: VersionFields, after: VersionFields): { kind: 'changed' | 'moved'; changes: FieldChange[] } | null {
  const changes = diffVersions(before, after)
  if (changes.length === 0) return null
  return { kind: changes.some((change) => change.field === 'url') ? 'moved' : 'changed', changes }
}

export function countKinds(events: readonly { kind: ChangeKind }[]): KindCounts {
  const counts: KindCounts = { new: 0, changed: 0, removed: 0, reappeared: 0, moved: 0 }
  for (const event of events) counts[event.kind] += 1
  return counts
}
