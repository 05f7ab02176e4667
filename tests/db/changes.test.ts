// The diff rules, one table row each, driving the page-storing job directly with hand-made entries.
import type { Kysely } from 'kysely'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { insertHealthEvents } from '../../db/health-events.ts'
import { healthOfRuns } from '../../db/report-queries.ts'
import { finishListingCrawl, startListingCrawl, upsertListing } from '../../db/listings.ts'
import { createRun, finishRun } from '../../db/runs.ts'
import type { Database, RunStatus } from '../../db/schema.ts'
import { diffPending, diffRun, type DiffSummary } from '../../jobs/diff.ts'
import { storeListingPage } from './fixtures.ts'
import type { ParsedEntry } from '../../domain/entry.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { parsedEntry, T0 } from './fixtures.ts'

type Status = Exclude<RunStatus, 'running'>
/** One listing's crawl in a run: its pages (null: a page that failed) and outcome. */
interface Crawl { listing: string; pages: (ParsedEntry[] | null)[]; status?: Status }

const e = parsedEntry
const silent = pino({ level: 'silent' })
let clock = T0.getTime()
const now = () => new Date((clock += 1000))

async function crawlRun(db: Kysely<Database>, crawls: Crawl[]): Promise<number> {
  const runId = await createRun(db, now())
  for (const crawl of crawls) {
    const listingId = await upsertListing(db, { sourceId: crawl.listing, profile: 'eurocities-legacy', url: `http://www.eurocities.eu/${crawl.listing}` })
    await startListingCrawl(db, runId, listingId, now())
    let position = 1
    for (const [index, entries] of crawl.pages.entries()) {
      await storeListingPage({ db, now }, {
        runId, listingId, pageNumber: index + 1, canonicalUrl: `http://www.eurocities.eu/${crawl.listing}&page=${index + 1}`,
        fetchedUrl: 'http://127.0.0.1/x', status: entries ? 200 : 503, contentType: 'text/html', headers: null, body: null, charset: null, durationMs: 1,
        attempts: 1, outcome: entries ? 'fetched' : 'fetch-failed', error: entries ? null : 'HTTP 503', entries, firstPosition: position, theme: null, themeSource: 'page',
      })
      position += entries?.length ?? 0
    }
    const status = crawl.status ?? 'complete'
    await finishListingCrawl(db, runId, listingId, { status, pages: crawl.pages.length, entries: position - 1, reason: null }, now())
  }
  const statuses = crawls.map((c) => c.status ?? 'complete')
  const status: Status = statuses.every((s) => s === 'complete') ? 'complete' : 'partial'
  await finishRun(db, runId, { status, pagesFetched: 0, entriesSeen: 0, versionsCreated: 0, error: null }, now())
  return runId
}

/** Crawls then diffs one run; returns the diff's events as (kind, key). */
async function step(db: Kysely<Database>, crawls: Crawl[], removeAfter = 2): Promise<DiffSummary> {
  return diffRun({ db, now, log: silent }, await crawlRun(db, crawls), { removeAfter })
}
const kinds = (s: DiffSummary) => s.events.map((ev) => `${ev.kind} ${ev.entry.key}`).sort()
const on = (listing: string, ...pages: (ParsedEntry[] | null)[]): Crawl => ({ listing, pages })

const NFD_TITLE = 'Malmo\u0308 and Łódź'
const cut = 'Summary of entry 1, long enough...'

// [name, how the entry looked, how it looks now] for cases that are not changes
const notChanges: [string, Partial<ParsedEntry>, Partial<ParsedEntry>][] = [
  ['whitespace', { title: 'Entry one' }, { title: '  Entry \n one ' }],
  ['entity-decoded no-break space and apostrophe', { summary: 'tomorrow’s community engagement' }, { summary: 'tomorrow’s community\u00a0engagement' }],
  ['NFD vs NFC', { title: NFD_TITLE.normalize('NFC') }, { title: NFD_TITLE }],
  ['theme order', { themes: ['culture', 'economy'] }, { themes: ['economy', 'culture'] }],
  ['a summary cut with "..." against the full text', {}, { summary: cut, summaryTruncated: true }],
  ['a cut summary completed by the full text', { summary: cut, summaryTruncated: true }, {}],
]

describe.each(backends)('diff rules on %s', (backend) => {
  const db = useTestDatabase(backend)

  it('reports entries seen for the first time as new, with the listing they were seen on', async () => {
    const first = await step(db(), [on('a', [e(1), e(2)])])
    expect(kinds(first)).toEqual(['new WSPO-000001', 'new WSPO-000002'])
    expect(first.events[0]?.listing).toEqual({ source: 'a', url: 'http://www.eurocities.eu/a' })
    expect(first.events[0]?.entry).toMatchObject({ title: 'Entry 1', themes: ['culture', 'economy'] })
    expect(first.inserted.new).toBe(2)
  })

  it.each<[string, Partial<ParsedEntry>, object]>([
    ['summary', { summary: 'A new summary.' }, { field: 'summary', before: e(1).summary, after: 'A new summary.' }],
    ['themes', { themes: ['cooperation', 'culture'] }, { field: 'themes', before: ['culture', 'economy'], after: ['cooperation', 'culture'], added: ['cooperation'], removed: ['economy'] }],
    ['title', { title: 'Entry one, retitled' }, { field: 'title', before: 'Entry 1', after: 'Entry one, retitled' }],
  ])('reports a %s edit as changed, with before and after', async (_name, edit, change) => {
    await step(db(), [on('a', [e(1), e(2)])])
    const second = await step(db(), [on('a', [e(1, edit), e(2)])])
    expect(kinds(second)).toEqual(['changed WSPO-000001'])
    expect(second.events[0]?.changes).toEqual([change])
  })

  it('reports a new URL under the same key as ONE moved event with every field change', async () => {
    await step(db(), [on('a', [e(1)])])
    const moved = e(1, { url: 'http://www.eurocities.eu/eurocities/documents/Entry-one-WSPO-000001', title: 'Entry one' })
    const second = await step(db(), [on('a', [moved])])
    expect(kinds(second)).toEqual(['moved WSPO-000001'])
    expect(second.events[0]?.changes.map((c) => c.field)).toEqual(['url', 'title'])
    expect(second.events[0]?.entry.url).toBe(moved.url)
  })

  it('compares the version before the run with the one after it when two listings show an entry differently', async () => {
    await step(db(), [on('a', [e(1)]), on('b', [e(1)])])
    const second = await step(db(), [on('a', [e(1, { title: 'First edit' })]), on('b', [e(1, { title: 'Second edit' })])])
    expect(second.events.map((ev) => ev.changes)).toEqual([[{ field: 'title', before: 'Entry 1', after: 'Second edit' }]])
  })

  it.each(notChanges)('does not report %s', async (_name, before, after) => {
    await step(db(), [on('a', [e(1, before), e(2)])])
    const second = await step(db(), [on('a', [e(1, after), e(2)])])
    expect(kinds(second)).toEqual([])
  })

  it('does not report entries pushed to the next page by new ones', async () => {
    await step(db(), [on('a', [e(1), e(2)], [e(3)])])
    const second = await step(db(), [on('a', [e(4), e(5)], [e(1), e(2)], [e(3)])])
    expect(kinds(second)).toEqual(['new WSPO-000004', 'new WSPO-000005'])
  })

  it('removes an entry only once absent from 2 complete crawls, and brings it back when it reappears', async () => {
    await step(db(), [on('a', [e(1), e(2)])])
    expect(kinds(await step(db(), [on('a', [e(2)])]))).toEqual([])
    const removal = await step(db(), [on('a', [e(2)])])
    expect(kinds(removal)).toEqual(['removed WSPO-000001'])
    expect(removal.events[0]).toMatchObject({ listing: { source: 'a' }, entry: { title: 'Entry 1' } })
    const entry = await db().selectFrom('entry').selectAll().where('entry_key', '=', 'WSPO-000001').executeTakeFirstOrThrow()
    expect(entry.removed_run).toBe(removal.runId)
    expect(entry.removed_at).toBeInstanceOf(Date)
    expect(kinds(await step(db(), [on('a', [e(2)])]))).toEqual([])

    const back = await step(db(), [on('a', [e(1), e(2)])])
    expect(kinds(back)).toEqual(['reappeared WSPO-000001'])
    expect(await db().selectFrom('entry').select(['removed_at', 'removed_run']).where('entry_key', '=', 'WSPO-000001').executeTakeFirstOrThrow())
      .toEqual({ removed_at: null, removed_run: null })
  })

  it('never removes after a partial or failed crawl, and does not count one', async () => {
    await step(db(), [on('a', [e(1), e(2)], [e(3)])])
    expect(kinds(await step(db(), [{ listing: 'a', pages: [[e(2)], null], status: 'partial' }]))).toEqual([])
    expect(kinds(await step(db(), [{ listing: 'a', pages: [null], status: 'failed' }]))).toEqual([])
    expect(kinds(await step(db(), [on('a', [e(2)], [e(3)])]))).toEqual([])
    expect(kinds(await step(db(), [{ listing: 'a', pages: [[e(2)], null], status: 'partial' }]))).toEqual([])
    expect(kinds(await step(db(), [on('a', [e(2)], [e(3)])]))).toEqual(['removed WSPO-000001'])
  })

  it('takes the number of complete crawls from the options', async () => {
    await step(db(), [on('a', [e(1), e(2)])])
    expect(kinds(await step(db(), [on('a', [e(2)])], 1))).toEqual(['removed WSPO-000001'])
  })

  it('does not remove an entry that vanished from one of its two listings only', async () => {
    await step(db(), [on('a', [e(1), e(2)]), on('b', [e(1)])])
    await step(db(), [on('a', [e(2)]), on('b', [e(1)])])
    expect(kinds(await step(db(), [on('a', [e(2)]), on('b', [e(1)])]))).toEqual([])
  })

  it('needs every listing of the last sighting to be crawled completely', async () => {
    await step(db(), [on('a', [e(1), e(2)]), on('b', [e(1), e(3)])])
    await step(db(), [on('a', [e(2)]), on('b', [e(3)])])
    expect(kinds(await step(db(), [on('a', [e(2)]), { listing: 'b', pages: [[e(3)], null], status: 'partial' }]))).toEqual([])
    expect(kinds(await step(db(), [on('a', [e(2)]), on('b', [e(3)])]))).toEqual(['removed WSPO-000001'])
  })

  it('is idempotent: a repeated diff records nothing and returns the same events', async () => {
    await step(db(), [on('a', [e(1), e(2)])])
    const runId = await crawlRun(db(), [on('a', [e(1, { title: 'Retitled' }), e(3)])])
    const deps = { db: db(), now, log: silent }
    const first = await diffRun(deps, runId, { removeAfter: 2 })
    const again = await diffRun(deps, runId, { removeAfter: 2 })
    expect(Object.values(again.inserted)).toEqual([0, 0, 0, 0, 0])
    expect(again.events).toEqual(first.events)
    expect(first.counts).toMatchObject({ new: 1, changed: 1 })
    expect(await diffPending(deps, { removeAfter: 2 })).toEqual([])
    expect(await db().selectFrom('change_event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toEqual({ n: 4 })
  })

  it('diffs pending runs in order, completing a run left undiffed', async () => {
    await crawlRun(db(), [on('a', [e(1), e(2)])])
    await crawlRun(db(), [on('a', [e(2)])])
    await crawlRun(db(), [on('a', [e(2)])])
    const summaries = await diffPending({ db: db(), now, log: silent }, { removeAfter: 2 })
    expect(summaries.map(kinds)).toEqual([['new WSPO-000001', 'new WSPO-000002'], [], ['removed WSPO-000001']])
    const runs = await db().selectFrom('crawl_run').select('diffed_at').execute()
    expect(runs.every((run) => run.diffed_at instanceof Date)).toBe(true)
  })

  it('refuses a run that is still running', async () => {
    const runId = await createRun(db(), now())
    await expect(diffRun({ db: db(), now, log: silent }, runId, { removeAfter: 2 })).rejects.toThrow(/still running/)
  })

  it('stores field changes as jsonb that reads back as objects', async () => {
    await step(db(), [on('a', [e(1)])])
    await step(db(), [on('a', [e(1, { themes: ['mobility'] })])])
    const row = await db().selectFrom('change_event').select('changes').where('kind', '=', 'changed').executeTakeFirstOrThrow()
    expect(row.changes).toEqual([{ field: 'themes', before: ['culture', 'economy'], after: ['mobility'], added: ['mobility'], removed: ['culture', 'economy'] }])
  })

  it('records health events once and reads them back with the listing and page', async () => {
    const runId = await crawlRun(db(), [on('a', [e(1)])])
    const listing = await db().selectFrom('listing').select('id').executeTakeFirstOrThrow()
    const fetch = await db().selectFrom('page_fetch').select(['id', 'url']).executeTakeFirstOrThrow()
    const events = [
      { runId, listingId: listing.id, pageFetchId: fetch.id, problem: 'few-entries' as const, message: '1 entry, usually 10', at: T0 },
      { runId, listingId: listing.id, pageFetchId: null, problem: 'incomplete' as const, message: 'stopped at page 1', at: T0 },
    ]
    expect(await insertHealthEvents(db(), events)).toBe(2)
    expect(await insertHealthEvents(db(), events)).toBe(0)
    const read = await healthOfRuns(db(), [runId])
    expect(read.map((h) => [h.problem, h.pageUrl, h.listing.source])).toEqual([['few-entries', fetch.url, 'a'], ['incomplete', null, 'a']])
    expect((await step(db(), [on('a', [e(1)])])).health).toEqual([])
  })
})
