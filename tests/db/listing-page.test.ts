// The listing page's data from real crawls of the replica, on PGlite and PostgreSQL: as of a
// date, two dates compared (in the database, against the two whole snapshots diffed), recent
// crawls with their health, open problems.
import type { KyselyPlugin } from 'kysely'
import { describe, expect, it } from 'vitest'
import { compareCrawls } from '../../db/snapshot-compare.ts'
import { listingBySource } from '../../db/listing-page.ts'
import { compareSnapshots } from '../../domain/snapshot-compare.ts'
import { loadListingPage } from '../../jobs/listing-page.ts'
import { loadSnapshot } from '../../jobs/snapshot.ts'
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

  it('compares two dates in the database: the whole counts and the first rows of each kind, as diffing the two whole listings gives them, reading no more rows than it shows', async () => {
    await watchReplica(db(), replica(), [{ step: 0 }, { step: 1 }, { step: 2 }])
    // every statement's rows, to see that neither listing is read whole into the process
    const rowsRead: number[] = []
    const counting: KyselyPlugin = { transformQuery: (args) => args.node, transformResult: async (args) => (rowsRead.push(args.result.rows.length), args.result) }
    const limit = 2
    const kinds = new Set<string>()
    for (const [first, second] of [[0, 2], [2, 0], [0, 1], [1, 2], [1, 1]] as const) {
      const [before, after] = await Promise.all([first, second].map((run) => loadSnapshot(db(), { listing: 'social-innovation', asOf: afterRun(run), asOfText: '' })))
      if (before?.kind !== 'snapshot' || after?.kind !== 'snapshot') throw new Error('no snapshot')
      const whole = compareSnapshots(before.snapshot, after.snapshot)
      rowsRead.length = 0
      const page = await loadListingPage(db().withPlugin(counting), { source: 'social-innovation', dates: [date(afterRun(first)), date(afterRun(second))], crawls: 1, entries: { after: null, limit } })
      const comparison = page?.view.kind === 'compare' ? page.view.comparison : null
      const counts = { added: whole.added.length, removed: whole.removed.length, changed: whole.changed.length }
      for (const [kind, n] of Object.entries(counts)) if (n > 0) kinds.add(kind)
      expect({ counts: comparison?.counts, unchanged: comparison?.unchanged }, `runs ${first} and ${second}`).toEqual({ counts, unchanged: whole.unchanged })
      expect(comparison?.added).toEqual(whole.added.slice(0, limit))
      expect(comparison?.removed).toEqual(whole.removed.slice(0, limit))
      expect(comparison?.changed).toEqual(whole.changed.slice(0, limit))
      expect(Math.max(...rowsRead), `runs ${first} and ${second}: rows of each statement ${rowsRead.join(', ')}`).toBeLessThanOrEqual(3 * limit + 1)
    }
    expect([...kinds].sort()).toEqual(['added', 'changed', 'removed'])
  })

  it('counts each kind up to a bound: exact up to it, "at least" the bound past it, the first rows as without one', async () => {
    await watchReplica(db(), replica(), [{ step: 0 }, { step: 1 }, { step: 2 }])
    const listing = await listingBySource(db(), 'social-innovation')
    if (listing === null) throw new Error('no listing')
    const bound = 2
    const seen = new Set<string>()
    for (const [first, second] of [[0, 2], [2, 0], [0, 1]] as const) {
      const [before, after] = await Promise.all([first, second].map((run) => loadSnapshot(db(), { listing: 'social-innovation', asOf: afterRun(run), asOfText: '' })))
      if (before?.kind !== 'snapshot' || after?.kind !== 'snapshot') throw new Error('no snapshot')
      const whole = compareSnapshots(before.snapshot, after.snapshot)
      const compared = await compareCrawls(db(), listing.id, { runId: before.snapshot.crawl.runId, asOf: afterRun(first) }, { runId: after.snapshot.crawl.runId, asOf: afterRun(second) }, 1, bound)
      const wholeCounts = { added: whole.added.length, removed: whole.removed.length, changed: whole.changed.length, unchanged: whole.unchanged }
      for (const n of Object.values(wholeCounts)) seen.add(n > bound ? 'past the bound' : 'within it')
      expect({ counts: compared.counts, atLeast: compared.atLeast }, `runs ${first} and ${second}`).toEqual({
        counts: Object.fromEntries(Object.entries(wholeCounts).map(([kind, n]) => [kind, Math.min(n, bound)])),
        atLeast: Object.fromEntries(Object.entries(wholeCounts).map(([kind, n]) => [kind, n > bound])),
      })
      expect(compared.added).toEqual(whole.added.slice(0, 1))
      expect(compared.removed).toEqual(whole.removed.slice(0, 1))
      expect(compared.changed).toEqual(whole.changed.slice(0, 1).map(({ before, after }) => ({ before, after })))
    }
    expect([...seen].sort()).toEqual(['past the bound', 'within it'])
  })

  it('says when a date comes before the first crawl, and knows no listing it never crawled', async () => {
    await watchReplica(db(), replica(), [{ step: 0 }])
    const before = await loadListingPage(db(), { source: 'social-innovation', dates: [date(new Date(WATCH_START.getTime() - 86_400_000))], crawls: 10, entries: { after: null, limit: 500 } })
    expect(before?.view.kind === 'as-of' ? before.view.result.kind : null).toBe('before-first-crawl')
    expect(await loadListingPage(db(), { source: 'no-such-listing', dates: [date(afterRun(0))], crawls: 10, entries: { after: null, limit: 500 } })).toBeNull()
  })
})
