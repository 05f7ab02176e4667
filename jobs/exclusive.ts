import type { DatabaseTarget } from '../db/connection.ts'
import { failAbandonedRuns } from '../db/runs.ts'
import { withRunLock } from '../db/run-lock.ts'
import type { JobDeps } from './crawl.ts'

/**
 * Runs a job while holding the run lock, after marking runs a killed process left 'running' as
 * failed: their stored pages stay, but no later diff mistakes them for complete crawls.
 */
export async function runExclusively<T>(deps: JobDeps, target: DatabaseTarget, work: () => Promise<T>): Promise<T> {
  return withRunLock(deps.db, target, async () => {
    const abandoned = await failAbandonedRuns(deps.db, deps.now())
    if (abandoned.length > 0) deps.log.warn({ runs: abandoned }, 'marked runs left unfinished by a killed process as failed')
    return work()
  })
}
