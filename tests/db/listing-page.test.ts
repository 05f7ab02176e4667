// The listing page's data from real crawls of the replica, on PGlite and PostgreSQL: as of a
// date, two dates compared, recent crawls with their health, open problems.
import { describe, expect, it } from 'vitest'
import { loadListingPage } from '../../jobs/listing-page.ts'
import { timelineChanges } from '../support/timeline-changes.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { useReplica } from '../support/replica.ts'
import { afterRun, SOCIAL_INNOVATION, watchReplica, WATCH_START } from '../support/watched-replica.ts'

const replica = useReplica()
const date = (at: Date) => ({ at, text: at.toISOString() })

describe.each(backends)('listing page on %s', (backend) => {
  const db = useTestDatabase(backend)

  it('shows the listing as of a date, what changed between two dates, its crawls and open problems', async () => {
    await watchReplica(db(), replica(), [{ step: 0 }, { step: 0 }, { step: 1 }, { step: 2 }, { step: 2, faults: [{ kind: 'layout-drift', match: 'social-innovation-issue&newsstart=11' }] }])

    const asOf = await loadListingPage(db(), { source: 'social-innovation', dates: [date(afterRun(2))], crawls: 10, entries: { after: null, limit: 500 } })
    expect(asOf?.view.kind).toBe('as-of')
    const result = asOf?.view.kind === 'as-of' ? asOf.view.result : null
    expect(result?.kind === 'snapshot' ? [result.snapshot.crawl.runId, result.snapshot.entries.length > 10] : result).toEqual([3, true])

    const compared = await loadListingPage(db(), { source: 'social-innovation', dates: [date(afterRun(0)), date(afterRun(4))], crawls: 10, entries: { after: null, limit: 500 } })
    const comparison = compared?.view.kind === 'compare' ? compared.view.comparison : null
    // the partial crawl of run 5 is never the listing: run 4 stands for the later date
    expect(compared?.view.kind === 'compare' && compared.view.after.kind === 'snapshot' ? compared.view.after.snapshot.crawl.runId : null).toBe(4)
    const reported = [
      ...(comparison?.added.map((entry) => `new ${entry.key}`) ?? []),
      ...(comparison?.removed.map((entry) => `removed ${entry.key}`) ?? []),
      ...(comparison?.changed.map((change) => `changed ${change.key}`) ?? []),
    ].sort()
    expect(reported).toEqual(timelineChanges([SOCIAL_INNOVATION], 1, 2))

    expect(compared?.crawls.map((crawl) => [crawl.runId, crawl.mode, crawl.status, crawl.health.map((event) => event.problem)])).toEqual([
      [5, 'full', 'partial', ['layout']],
      [4, 'full', 'complete', []],
      [3, 'full', 'complete', []],
      [2, 'full', 'complete', []],
      [1, 'full', 'complete', []],
    ])
    expect(compared?.problems.map((problem) => problem.problem)).toEqual(['health:social-innovation:layout'])
  })

  it('says when a date comes before the first crawl, and knows no listing it never crawled', async () => {
    await watchReplica(db(), replica(), [{ step: 0 }])
    const before = await loadListingPage(db(), { source: 'social-innovation', dates: [date(new Date(WATCH_START.getTime() - 86_400_000))], crawls: 10, entries: { after: null, limit: 500 } })
    expect(before?.view.kind === 'as-of' ? before.view.result.kind : null).toBe('before-first-crawl')
    expect(await loadListingPage(db(), { source: 'no-such-listing', dates: [date(afterRun(0))], crawls: 10, entries: { after: null, limit: 500 } })).toBeNull()
  })
})
