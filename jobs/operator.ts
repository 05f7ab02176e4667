// The operator's channel: health problems, failed crawls and dead deliveries, each told once
// when it opens and once when it is resolved, however many runs it lasts.
import type { Kysely } from 'kysely'
import { insertOperatorMessage } from '../db/outbox.ts'
import {
  latestMessageOutcomes, latestRun, openProblem, openProblems, problemsOfRun, resolveProblem, touchProblem, type OpenProblem, type ProblemSighting,
} from '../db/operator-problems.ts'
import type { Database, OperatorNoticeRow } from '../db/schema.ts'
import { OPERATOR } from '../domain/alert.ts'

/**
 * Compares run R's problems with the open ones, inside the diff's transaction: new problems open,
 * known ones are counted, and problems of listings crawled in R that R no longer shows are
 * resolved. With `tell`, the openings and resolutions become one operator message.
 */
export async function noteRunProblems(trx: Kysely<Database>, runId: number, at: Date, tell: boolean): Promise<OperatorNoticeRow[]> {
  const open = (await openProblems(trx)).filter((problem) => !problem.problem.startsWith('dead:'))
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

/**
 * A subscription whose latest finished message is dead has a problem; one whose latest message
 * went out has none. Never for the operator's own channel (it would tell itself of itself).
 */
export async function noteDeliveryProblems(db: Kysely<Database>, at: Date, tell: boolean): Promise<OperatorNoticeRow[]> {
  return db.transaction().execute(async (trx) => {
    const open = (await openProblems(trx)).filter((problem) => problem.problem.startsWith('dead:'))
    const runId = await latestRun(trx)
    const notices: OperatorNoticeRow[] = []
    for (const outcome of await latestMessageOutcomes(trx)) {
      if (outcome.subscription === OPERATOR) continue
      const problem = `dead:${outcome.subscription}`
      const known = open.find((p) => p.problem === problem)
      if (outcome.status === 'dead' && known === undefined) {
        const sighting: ProblemSighting = {
          problem,
          listingId: null,
          message: `${outcome.subscription}: ${outcome.dead} ${outcome.dead === 1 ? 'message' : 'messages'} given up: ${outcome.lastError ?? 'unknown error'}`,
        }
        await openProblem(trx, sighting, runId, at)
        notices.push(notice(sighting, 'open', at, 1))
      } else if (outcome.status === 'sent' && known !== undefined) {
        await resolveProblem(trx, problem, at)
        notices.push(resolved(known))
      }
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
