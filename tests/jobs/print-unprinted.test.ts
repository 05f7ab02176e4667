// `eurowatch run` prints every change once: a run's changes are marked printed only after the
// output took them, so a process that died before leaves them to the next run.
import type { Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import { finishListingCrawl, startListingCrawl } from '../../db/listings.ts'
import { finishRun, createRun } from '../../db/runs.ts'
import type { Database } from '../../db/schema.ts'
import { diffRun } from '../../jobs/diff.ts'
import { printUnprinted, type LoadedReport } from '../../jobs/report.ts'
import { parsedEntry, seedRunAndListing, storeListingPage, T0 } from '../db/fixtures.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { silentLog } from '../support/replica.ts'

const COMPLETE = { status: 'complete', pagesFetched: 1, entriesSeen: 1, versionsCreated: 1, error: null } as const

function page(ids: { runId: number; listingId: number }, n: number) {
  // a listing that grows: each run sees every entry so far, so nothing is removed
  const entries = Array.from({ length: n }, (_, i) => parsedEntry(i + 1))
  return {
    ...ids, pageNumber: 1, canonicalUrl: 'http://www.eurocities.eu/a', fetchedUrl: 'http://127.0.0.1/a', status: 200, contentType: null, headers: {},
    body: Buffer.from(`page ${n}`), charset: 'UTF-8', durationMs: 1, attempts: 1, outcome: 'fetched' as const, error: null, entries, firstPosition: 1, theme: null, themeSource: 'page' as const,
  }
}

/** A finished, diffed run whose complete crawl saw entries 1 to n, n for the first time. */
async function runSeeing(db: Kysely<Database>, listing: { listingId: number }, runId: number, n: number): Promise<void> {
  const deps = { db, now: () => T0, log: silentLog }
  await startListingCrawl(db, runId, listing.listingId, T0)
  await storeListingPage(deps, page({ runId, listingId: listing.listingId }, n))
  await finishListingCrawl(db, runId, listing.listingId, { status: 'complete', pages: 1, entries: n, reason: null }, T0)
  await finishRun(db, runId, COMPLETE, T0)
  await diffRun(deps, runId)
}

const keysOf = (loaded: LoadedReport) => loaded.report.groups.flatMap((group) => group.kinds.flatMap((kind) => kind.events.map((event) => `${event.runId} ${event.kind} ${event.entry.key}`)))
// the listing's first complete crawl is its baseline: a count in the report, not a change
const printedOf = (loaded: LoadedReport) => ({ changes: keysOf(loaded), baseline: loaded.report.baseline.entries })

describe.each(backends)('printing the changes of runs on %s', (backend) => {
  const db = useTestDatabase(backend)
  const deps = () => ({ db: db(), now: () => T0 })

  it('prints a run killed before its output again with the next one, then neither again', async () => {
    const first = await seedRunAndListing(db())
    await runSeeing(db(), first, first.runId, 1)
    // the process dies while printing: nothing was handed to the output
    await expect(printUnprinted(deps(), async () => Promise.reject(new Error('killed')))).rejects.toThrow('killed')

    const second = await createRun(db(), T0)
    await runSeeing(db(), first, second, 2)
    const printed: ReturnType<typeof printedOf>[] = []
    const loaded = await printUnprinted(deps(), async (report) => void printed.push(printedOf(report)))
    expect(printed).toEqual([{ changes: [`${second} new WSPO-000002`], baseline: 1 }])
    expect(loaded.runs.map((run) => run.id)).toEqual([first.runId, second])

    const third = await createRun(db(), T0)
    await runSeeing(db(), first, third, 3)
    expect(printedOf(await printUnprinted(deps(), async () => undefined))).toEqual({ changes: [`${third} new WSPO-000003`], baseline: 0 })
    expect(printedOf(await printUnprinted(deps(), async () => undefined))).toEqual({ changes: [], baseline: 0 })
  })

  it('leaves a crawled run that is not diffed yet to the run that diffs it', async () => {
    const ids = await seedRunAndListing(db())
    await storeListingPage({ db: db(), now: () => T0 }, page(ids, 1))
    await finishRun(db(), ids.runId, COMPLETE, T0)
    expect((await printUnprinted(deps(), async () => undefined)).runs).toEqual([])
    await diffRun({ db: db(), now: () => T0, log: silentLog }, ids.runId)
    expect(printedOf(await printUnprinted(deps(), async () => undefined))).toEqual({ changes: [], baseline: 1 })
    expect(printedOf(await printUnprinted(deps(), async () => undefined))).toEqual({ changes: [], baseline: 0 })
  })
})
