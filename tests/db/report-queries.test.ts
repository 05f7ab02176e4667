import type { Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import { entryHistory } from '../../db/entry-history.ts'
import { upsertListing } from '../../db/listings.ts'
import { eventsOfRuns, eventsSince, healthOfRuns, healthSince, latestRunId, runsByIds, runsSince } from '../../db/report-queries.ts'
import { createRun } from '../../db/runs.ts'
import type { Database } from '../../db/schema.ts'
import { storeListingPage } from './fixtures.ts'
import type { ParsedEntry } from '../../domain/entry.ts'
import { renderHistoryText, toHistoryJson } from '../../src/reports/history.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { parsedEntry } from './fixtures.ts'

const HOUR = 3600_000
const T = [0, 1, 2].map((h) => new Date(Date.UTC(2026, 10, 26, 12 + h)))

async function storeRun(db: Kysely<Database>, listingId: number, at: Date, entries: ParsedEntry[]): Promise<number> {
  const runId = await createRun(db, at)
  await storeListingPage(
    { db, now: () => new Date(at.getTime() + 60_000) },
    {
      runId, listingId, pageNumber: 1, canonicalUrl: 'http://www.eurocities.eu/eurocities/issues/social-innovation-issue',
      fetchedUrl: 'http://127.0.0.1/x', status: 200, contentType: 'text/html', headers: null, body: Buffer.from(JSON.stringify(entries)), charset: 'UTF-8',
      durationMs: 1, attempts: 1, outcome: 'fetched', error: null, entries, firstPosition: 1, theme: null, themeSource: 'page',
    },
  )
  return runId
}

/** Entry 1 in three versions over three runs: summary edited in run 2, re-tagged and moved (new slug) in run 3. */
async function seedThreeVersions(db: Kysely<Database>) {
  const listingId = await upsertListing(db, { sourceId: 'social-innovation', profile: 'eurocities-legacy', url: 'http://www.eurocities.eu/eurocities/issues/social-innovation-issue' })
  const v1 = parsedEntry(1, { summary: 'The city of Ghent launched a plan.' })
  const v2 = { ...v1, summary: 'The city of Antwerp launched a new plan.' }
  const v3 = { ...v2, themes: ['culture', 'mobility'], url: 'http://www.eurocities.eu/eurocities/documents/New-slug-WSPO-000001' }
  const runs = [
    await storeRun(db, listingId, T[0] as Date, [v1, parsedEntry(2)]),
    await storeRun(db, listingId, T[1] as Date, [v2, parsedEntry(2)]),
    await storeRun(db, listingId, T[2] as Date, [v3]),
  ]
  return { listingId, runs, v1, v3 }
}

describe.each(backends)('report queries on %s', (backend) => {
  const db = useTestDatabase(backend)

  it('gives an entry three versions with the runs and times each was first and last seen, by key and by URL', async () => {
    const { runs, v1, v3 } = await seedThreeVersions(db())
    const [r1, r2, r3] = runs as [number, number, number]
    const history = await entryHistory(db(), 'WSPO-000001')
    expect(history).toMatchObject({ key: 'WSPO-000001', firstSeenRun: r1, lastSeenRun: r3, removedAt: null })
    expect(history?.versions.map((v) => [v.validFromRun, v.validToRun, v.validFrom.toISOString(), v.validTo?.toISOString() ?? null])).toEqual([
      [r1, r2, '2026-11-26T12:01:00.000Z', '2026-11-26T13:01:00.000Z'],
      [r2, r3, '2026-11-26T13:01:00.000Z', '2026-11-26T14:01:00.000Z'],
      [r3, null, '2026-11-26T14:01:00.000Z', null],
    ])
    expect(history?.versions.map((v) => [v.firstSeen, v.lastSeen])).toEqual([
      [{ runId: r1, at: T[0] }, { runId: r1, at: T[0] }],
      [{ runId: r2, at: T[1] }, { runId: r2, at: T[1] }],
      [{ runId: r3, at: T[2] }, { runId: r3, at: T[2] }],
    ])
    expect(history?.versions.map((v) => v.fields.summary)).toEqual([v1.summary, v3.summary, v3.summary])

    // the current URL, an old one, and an old slug never stored (the WSPO id decides) find the same entry
    for (const url of [v3.url, v1.url, 'http://www.eurocities.eu/eurocities/news/Another-slug-WSPO-000001']) {
      expect((await entryHistory(db(), url))?.key).toBe('WSPO-000001')
    }
    expect(await entryHistory(db(), 'WSPO-999999')).toBeNull()
    expect(await entryHistory(db(), 'http://www.eurocities.eu/nothing')).toBeNull()
  })

  it('spans a version over every run it was seen in', async () => {
    const listingId = await upsertListing(db(), { sourceId: 'news', profile: 'eurocities-legacy', url: 'http://www.eurocities.eu/eurocities/news' })
    const runs = [await storeRun(db(), listingId, T[0] as Date, [parsedEntry(2)]), await storeRun(db(), listingId, T[2] as Date, [parsedEntry(2)])]
    const history = await entryHistory(db(), parsedEntry(2).url)
    expect(history?.versions).toHaveLength(1)
    expect(history?.versions[0]).toMatchObject({ firstSeen: { runId: runs[0], at: T[0] }, lastSeen: { runId: runs[1], at: T[2] } })
  })

  it('renders the history with the diffs between consecutive versions', async () => {
    const { runs } = await seedThreeVersions(db())
    const history = await entryHistory(db(), 'WSPO-000001')
    if (history === null) throw new Error('no history')
    const text = renderHistoryText(history, { color: false })
    expect(text).toContain(`version 2: from run ${runs[1]} (2026-11-26 13:00 UTC) until run ${runs[2]} (2026-11-26 14:00 UTC)\n  first seen run ${runs[1]} (2026-11-26 13:00 UTC), last seen run ${runs[1]} (2026-11-26 13:00 UTC)\n  summary: The city of [-Ghent-]{+Antwerp+} launched a {+new +}plan.\n`)
    // a run is told at one time wherever it is named (its versions' diff ran a minute later)
    const timesOfRuns = new Map<string, Set<string>>()
    for (const [, run, time] of text.matchAll(/run (\d+) \(([^)]+)\)/g)) timesOfRuns.set(run as string, (timesOfRuns.get(run as string) ?? new Set()).add(time as string))
    expect([...timesOfRuns.values()].map((times) => times.size)).toEqual([1, 1, 1])
    expect(text).toContain('  link: http://www.eurocities.eu/eurocities/documents/Entry-1-WSPO-000001 → http://www.eurocities.eu/eurocities/documents/New-slug-WSPO-000001\n  themes: +mobility −economy\n')
    const json = toHistoryJson(history)
    expect(json.versions.map((v) => v.changes.map((c) => c.field))).toEqual([[], ['summary'], ['url', 'themes']])
    expect(json.versions[1]?.changes[0]?.words?.filter((w) => w.kind !== 'same')).toEqual([
      { kind: 'removed', text: 'Ghent' },
      { kind: 'added', text: 'Antwerp' },
      { kind: 'added', text: 'new ' },
    ])
  })

  it('reads change and health events by run and since a time, with their runs', async () => {
    const { listingId, runs } = await seedThreeVersions(db())
    const [r1, r2, r3] = runs as [number, number, number]
    const [e1, e2] = await db().selectFrom('entry').select('id').orderBy('entry_key').execute()
    const versionOf = async (entryId: number, run: number) =>
      (await db().selectFrom('entry_version').select('id').where('entry_id', '=', entryId).where('valid_from_run', '=', run).executeTakeFirstOrThrow()).id
    const at = new Date(T[2]!.getTime() + HOUR)
    await db().insertInto('change_event').values([
      { run_id: r1, entry_id: e1!.id, kind: 'new', version_id: await versionOf(e1!.id, r1), previous_version_id: null, listing_id: listingId, changes: '[]', created_at: at },
      { run_id: r2, entry_id: e1!.id, kind: 'changed', version_id: await versionOf(e1!.id, r2), previous_version_id: await versionOf(e1!.id, r1), listing_id: listingId,
        changes: JSON.stringify([{ field: 'summary', before: 'a', after: 'b' }]), created_at: at },
      { run_id: r3, entry_id: e2!.id, kind: 'removed', version_id: await versionOf(e2!.id, r1), previous_version_id: null, listing_id: null, changes: '[]', created_at: at },
    ]).execute()
    await db().insertInto('health_event').values({ run_id: r3, listing_id: listingId, page_fetch_id: null, problem: 'few-entries', message: '1 entry, usually 2', created_at: at }).execute()

    expect(await latestRunId(db())).toBe(r3)
    expect((await runsByIds(db(), [r3, r1, 999])).map((r) => [r.id, r.status, r.startedAt])).toEqual([[r1, 'running', T[0]], [r3, 'running', T[2]]])
    expect((await runsSince(db(), T[1] as Date)).map((r) => r.id)).toEqual([r2, r3])

    const ofRun2 = await eventsOfRuns(db(), [r2])
    expect(ofRun2).toEqual([
      {
        id: expect.any(Number), runId: r2, kind: 'changed',
        listing: { source: 'social-innovation', url: 'http://www.eurocities.eu/eurocities/issues/social-innovation-issue' },
        // where the run showed it
        seenOn: [{ listing: { source: 'social-innovation', url: 'http://www.eurocities.eu/eurocities/issues/social-innovation-issue' }, position: 1 }],
        baseline: false,
        entry: { key: 'WSPO-000001', url: parsedEntry(1).url, title: 'Entry 1', type: 'news', date: '2019-10-23', endDate: null,
          themes: ['culture', 'economy'], summary: 'The city of Antwerp launched a new plan.', documentType: null },
        // its page was not fetched
        detail: null,
        changes: [{ field: 'summary', before: 'a', after: 'b' }],
        detectedAt: at,
      },
    ])
    const since = await eventsSince(db(), T[1] as Date)
    expect(since.map((e) => [e.runId, e.kind, e.entry.key, e.listing?.source ?? null])).toEqual([[r2, 'changed', 'WSPO-000001', 'social-innovation'], [r3, 'removed', 'WSPO-000002', null]])
    expect(await eventsOfRuns(db(), [])).toEqual([])

    const health = await healthSince(db(), T[2] as Date)
    expect(health).toEqual([{ id: expect.any(Number), runId: r3, listing: { source: 'social-innovation', url: expect.any(String) }, pageUrl: null, problem: 'few-entries', message: '1 entry, usually 2', detectedAt: at }])
    expect(await healthOfRuns(db(), [r1, r2])).toEqual([])
    expect(await healthSince(db(), new Date(at.getTime() + HOUR))).toEqual([])
  })
})
