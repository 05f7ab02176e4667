// The diff job: compares what run R saw with the stored versions and records change events.
// Each kind is one set-based statement for all entries, decided in SQL (changed/moved by the rules
// of diffVersions, which history shows), returning the events it inserted.
import type { Kysely } from 'kysely'
import {
  insertChangeEvents, insertNewEvents, insertReappearedEvents, insertRemovedEvents, markUnlisted, removalCandidates, type RemovalCandidate,
} from '../db/changes.ts'
import type { EntryPageAnswer, EntryPageAnswers } from '../crawlers/entry-pages.ts'
import { lockRunForDiff, markRunDiffed, pendingDiffRuns } from '../db/diff-runs.ts'
import { recordRemovalChecks } from '../db/removal-checks.ts'
import { entriesSightedAt, foldMovedEntry, hasNewEntries } from '../db/moved-posts.ts'
import { eventsOfRuns, healthOfRuns } from '../db/report-queries.ts'
import type { Database } from '../db/schema.ts'
import { refreshStaleStatistics } from '../db/statistics.ts'
import type { ChangeEvent, ChangeKind, HealthEvent } from '../domain/change.ts'
import { UserError } from '../domain/errors.ts'
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
  askEntryPages?: (candidates: readonly RemovalCandidate[]) => Promise<EntryPageAnswers>
}

/**
 * What the entry pages said: removed, still on the site but no longer listed, or asked again next run;
 * and the old URLs that redirect to an entry listed in this run (`into`: the old entry, `from`: the listed one).
 */
interface RemovalCheck {
  removed: number[]
  unlisted: number[]
  moves: { from: number; into: number }[]
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
    // only a run diffed before has events of its own already: the rest come from the inserts themselves
    const earlier = run.diffed_at === null ? [] : await eventsOfRuns(trx, [runId])
    const inserted = await recordEvents(trx, runId, options, at, check)
    await markRunDiffed(trx, runId, at)
    const events = [...earlier, ...inserted].sort((a, b) => a.id - b.id)
    await recordDeliveries(trx, runId, events, options.subscriptions ?? [], at)
    await noteRunProblems(trx, runId, at, options.tellOperator ?? false)
    const health = await healthOfRuns(trx, [runId])
    const baselineInserted = inserted.filter((event) => event.baseline).length
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

async function recordEvents(trx: Kysely<Database>, runId: number, options: DiffOptions, at: Date, check: RemovalCheck | null): Promise<ChangeEvent[]> {
  // first: a folded entry is sighted in this run, so it is neither new nor removed, but moved
  for (const move of check?.moves ?? []) await foldMovedEntry(trx, move.from, move.into, runId, at)
  const reappeared = await insertReappearedEvents(trx, runId, at)
  const removed = await insertRemovedEvents(trx, runId, options.removeAfter, at, check?.removed ?? null)
  if (check) await markUnlisted(trx, runId, check.unlisted)
  const added = await insertNewEvents(trx, runId, at)
  const changed = await insertChangeEvents(trx, runId, at)
  return [...reappeared, ...removed, ...added, ...changed]
}

/**
 * The entries run R would report removed, each page asked: gone (or not ours to ask) is removed; still
 * answering is "no longer listed", not a removal; no trustworthy answer now is asked again next run.
 * A page that redirects to the URL of an entry listed in this run has moved there (WordPress sends an old
 * slug to the new one): when that entry is new in this run it is folded into the old one (one `moved`);
 * when it was reported already (the redirect came later), the old entry is only no longer listed. A
 * redirect anywhere else (a home page, a category, an unlisted page) counts as gone, as a page that
 * landed elsewhere always has. So that a move is found in the run that first lists the new URL, not
 * `removeAfter` runs later after a `new`, the entries that left a listing in this run are asked too
 * whenever it found new entries (only their redirects count until they are removal candidates).
 */
async function checkRemovals(deps: JobDeps, runId: number, removeAfter: number, ask: NonNullable<DiffOptions['askEntryPages']>): Promise<RemovalCheck> {
  const removal = await removalCandidates(deps.db, runId, removeAfter)
  const candidates = (await hasNewEntries(deps.db, runId)) ? await removalCandidates(deps.db, runId, 1) : removal
  if (candidates.length === 0) return { removed: [], unlisted: [], moves: [] }
  const { answers, fetches } = await ask(candidates)
  // every answer kept, once per URL asked, under the first entry it was asked for: what the WARC export archives
  await recordRemovalChecks(deps.db, runId, [...new Map(candidates.map((candidate) => [candidate.url, candidate])).values()].flatMap((candidate) =>
    (fetches.get(candidate.url) ?? []).map((fetch) => ({ ...fetch, entryId: candidate.entryId, listingId: candidate.listingId })),
  ))
  const answerOf = (candidate: RemovalCandidate): EntryPageAnswer => answers.get(candidate.url) ?? { kind: 'unsure' }
  const targets = candidates.flatMap((candidate) => {
    const answer = answerOf(candidate)
    return answer.kind === 'redirected' ? spellingsOf(answer.to) : []
  })
  const listed = await entriesSightedAt(deps.db, runId, targets)
  const movedTo = (candidate: RemovalCandidate): number | null => {
    const answer = answerOf(candidate)
    if (answer.kind !== 'redirected') return null
    const target = spellingsOf(answer.to).map((url) => listed.get(url)).find((id) => id !== undefined)
    return target === undefined || target === candidate.entryId ? null : target
  }
  const moves = candidates.flatMap((candidate) => {
    const from = movedTo(candidate)
    return from === null ? [] : [{ from, into: candidate.entryId }]
  })
  const check = {
    removed: removal.filter((candidate) => ['gone', 'unasked'].includes(answerOf(candidate).kind) || (answerOf(candidate).kind === 'redirected' && movedTo(candidate) === null)).map((candidate) => candidate.entryId),
    unlisted: removal.filter((candidate) => answerOf(candidate).kind === 'answers' || movedTo(candidate) !== null).map((candidate) => candidate.entryId),
    moves,
  }
  const postponed = removal.length - check.removed.length - check.unlisted.length
  if (check.unlisted.length + postponed + moves.length > 0) {
    deps.log.info({ runId, unlisted: check.unlisted.length, postponed, redirected: moves.length }, 'entries gone from their listings whose pages still answer, redirect to a listed entry (or did not answer now) are not reported removed')
  }
  return check
}

/** The ways an entry's URL may be spelled for the same page: either scheme, with or without the trailing slash. */
function spellingsOf(url: string): string[] {
  const parsed = new URL(url)
  const path = parsed.pathname.replace(/\/$/, '')
  const rest = `${parsed.host}${path}`
  return ['https:', 'http:'].flatMap((scheme) => [`${scheme}//${rest}${parsed.search}`, `${scheme}//${rest}/${parsed.search}`])
}

export function countKinds(events: readonly { kind: ChangeKind }[]): KindCounts {
  const counts: KindCounts = { new: 0, changed: 0, removed: 0, reappeared: 0, moved: 0 }
  for (const event of events) counts[event.kind] += 1
  return counts
}
