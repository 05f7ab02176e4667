// The operator's channel: health problems, failed crawls, failing and dead deliveries, each told once
// when it opens and once when it is resolved, however many runs it lasts.
import type { Kysely } from 'kysely'
import { insertOperatorMessage } from '../db/outbox.ts'
import {
  failingSubscriptions, latestMessageOutcomes, latestRun, openProblem, openProblems, problemsOfRun, resolveProblem, touchProblem, type OpenProblem, type ProblemSighting,
} from '../db/operator-problems.ts'
import type { Database, OperatorNoticeRow } from '../db/schema.ts'
import { OPERATOR } from '../domain/alert.ts'

/**
 * Compares run R's problems with the open ones, inside the diff's transaction: new problems open,
 * known ones are counted, and problems of listings crawled in R that R no longer shows are
 * resolved. With `tell`, the openings and resolutions become one operator message.
 */
export async function noteRunProblems(trx: Kysely<Database>, runId: number, at: Date, tell: boolean): Promise<OperatorNoticeRow[]> {
  const open = (await openProblems(trx)).filter((problem) => !isDeliveryProblem(problem.problem))
  const { problems, crawledListingIds } = await problemsOfRun(trx, runId)
  const crawled = new Set(crawledListingIds)
  const notices: OperatorNoticeRow[] = []
  for (const sighting of problems) {
    const known = open.find((problem) => problem.problem === sighting.problem)
    if (known === undefined) {
      await openProblem(trx, sighting, runId, at)
      notices.push(notice(sighting, 'open', at, 1))
    } else if (known.lastRun < runId) {
      await touchProblem(trx, sighting.problem, runId, sighting.message)
    }
  }
  for (const problem of open) {
    if (problem.listingId === null || !crawled.has(problem.listingId) || problems.some((s) => s.problem === problem.problem)) continue
    await resolveProblem(trx, problem.problem, at)
    notices.push(resolved(problem))
  }
  if (tell && notices.length > 0) await insertOperatorMessage(trx, OPERATOR, notices, at)
  return notices
}

/** Problems of a subscription's deliveries, not of a run: `noteDeliveryProblems` opens and resolves them. */
function isDeliveryProblem(problem: string): boolean {
  return problem.startsWith('dead:') || problem.startsWith('failing:')
}

/**
 * A subscription whose message failed and waits for a retry is failing, told at its first failed
 * attempt (a retry may be hours away); it recovers when its latest finished message went out and
 * none waits for a retry. A subscription whose latest finished message is dead has a problem too;
 * one whose latest message went out has none. Never for the operator's own channel (it would tell
 * itself of itself).
 */
export async function noteDeliveryProblems(db: Kysely<Database>, at: Date, tell: boolean): Promise<OperatorNoticeRow[]> {
  return db.transaction().execute(async (trx) => {
    const open = (await openProblems(trx)).filter((problem) => isDeliveryProblem(problem.problem))
    const runId = await latestRun(trx)
    const failing = (await failingSubscriptions(trx)).filter((f) => f.subscription !== OPERATOR)
    const outcomes = (await latestMessageOutcomes(trx)).filter((outcome) => outcome.subscription !== OPERATOR)
    const notices: OperatorNoticeRow[] = []
    const opens = async (sighting: ProblemSighting) => {
      if (open.some((p) => p.problem === sighting.problem)) return
      await openProblem(trx, sighting, runId, at)
      notices.push(notice(sighting, 'open', at, 1))
    }
    const resolves = async (problem: string) => {
      const known = open.find((p) => p.problem === problem)
      if (known === undefined) return
      await resolveProblem(trx, problem, at)
      notices.push(resolved(known))
    }
    for (const f of failing) {
      const attempts = `${f.attempts} failed ${f.attempts === 1 ? 'attempt' : 'attempts'}`
      await opens({ problem: `failing:${f.subscription}`, listingId: null, message: `${f.subscription}: sending fails (${attempts}, next at ${f.nextAttemptAt.toISOString()}): ${f.lastError ?? 'unknown error'}` })
    }
    for (const outcome of outcomes) {
      if (outcome.status === 'dead') {
        await opens({
          problem: `dead:${outcome.subscription}`,
          listingId: null,
          message: `${outcome.subscription}: ${outcome.dead} ${outcome.dead === 1 ? 'message' : 'messages'} given up: ${outcome.lastError ?? 'unknown error'}`,
        })
        continue
      }
      await resolves(`dead:${outcome.subscription}`)
      if (!failing.some((f) => f.subscription === outcome.subscription)) await resolves(`failing:${outcome.subscription}`)
    }
    if (tell && notices.length > 0) await insertOperatorMessage(trx, OPERATOR, notices, at)
    return notices
  })
}

function notice(sighting: ProblemSighting, state: 'open' | 'resolved', since: Date, occurrences: number, listing: OpenProblem['listing'] = null): OperatorNoticeRow {
  return { problem: sighting.problem, state, listing, message: sighting.message, since: since.toISOString(), occurrences }
}

function resolved(problem: OpenProblem): OperatorNoticeRow {
  return notice({ ...problem, message: `resolved: ${problem.message}` }, 'resolved', problem.openedAt, problem.occurrences, problem.listing)
}
