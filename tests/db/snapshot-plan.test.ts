// The snapshot of a 10,000-entry listing with two weeks of history reaches every table through an
// index on PostgreSQL: the crawl's page reads, the sighting ranges of each page, one version probe per entry, the key
// by its primary key. Nothing is read whole, so it stays fast however long the history grows.
import { describe, expect, it } from 'vitest'
import { snapshotPlan } from '../../bench/snapshot.ts'
import { snapshotEntries } from '../../db/snapshot.ts'
import { lateOnDay, seedListingHistory } from '../support/archive-seed.ts'
import { useTestDatabase } from '../support/databases.ts'

describe('the snapshot query on postgres', () => {
  const db = useTestDatabase('postgres')

  it('uses index scans, never a sequential scan, for a 10,000-entry listing', async () => {
    await seedListingHistory(db(), { entries: 10_000, runs: 14 })
    const asOf = lateOnDay(12)
    const plan = await snapshotPlan(db(), 1, 12, asOf)
    // every node that reads a table reads it through an index (a bitmap heap scan follows its bitmap index scan)
    const reads = plan.filter((node) => / on [a-z_]+/.test(node))
    expect(reads.filter((node) => !/^(Index Scan|Index Only Scan|Bitmap Heap Scan) on /.test(node))).toEqual([])
    expect(new Set(reads.map((node) => / on ([a-z_]+)/.exec(node)?.[1]))).toEqual(new Set(['page_fetch', 'sighting_range', 'entry_version', 'entry']))

    const entries = await snapshotEntries(db(), 1, 12, asOf)
    expect(entries).toHaveLength(9_900)
    expect(entries.map((entry) => entry.position)).toEqual([...entries.map((entry) => entry.position)].sort((a, b) => a - b))
    // an entry that changed on day 10 shows that version on day 12, valid until its next change
    const changed = entries.find((entry) => entry.key === 'WSPO-000040')
    expect(changed?.fields.summary).toBe('Summary of entry 40 as of run 10.')
    expect(changed?.validity).toMatchObject({ validFromRun: 10, validToRun: null })
  }, 120_000)
})
