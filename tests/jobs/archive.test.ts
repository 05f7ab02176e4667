// Snapshots, history as of a date and exports, over a history crawled from the replica's legacy
// timeline on both backends: complete and partial crawls, edits, a move and a removal, each run
// on a day of its own.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OriginMap } from '../../crawlers/origin-map.ts'
import { entryHistory } from '../../db/entry-history.ts'
import { readPageBody } from '../../db/pages.ts'
import type { ExportedEntry, ListingSnapshot } from '../../domain/archive.ts'
import { crawlJob, type CrawlSource } from '../../jobs/crawl.ts'
import { diffRun } from '../../jobs/diff.ts'
import { exportedEntries, resolveScope } from '../../jobs/export.ts'
import { loadSnapshot } from '../../jobs/snapshot.ts'
import { eurocitiesLegacy } from '../../parsers/eurocities-legacy.ts'
import { legacyTimeline, type Fault } from '../../replica/index.ts'
import { writeExport } from '../../src/cli/archive-export.ts'
import { parseSiteDate } from '../../domain/site-dates.ts'
import { openOutput } from '../../src/cli/output-file.ts'
import { toEntryJson } from '../../src/reports/export-entries.ts'
import { toSnapshotJson } from '../../src/reports/snapshot.ts'
import { legacyHosts, legacySources } from '../../src/config/defaults.ts'
import { backends, openTestDatabase, type TestDatabase } from '../support/databases.ts'
import { replicaCrawlSettings, useReplica } from '../support/replica.ts'
import { readWarc } from '../support/warc.ts'

const silent = pino({ level: 'silent' })
const sources: CrawlSource[] = legacySources.map((s) => ({ name: s.name, profile: eurocitiesLegacy, url: s.url, maxPages: 50, render: 'http', theme: null }))
const SOCIAL = 'social-innovation'
const socialUrl = sources.find((s) => s.name === SOCIAL)?.url ?? ''
// page 2 of social-innovation in a new markup: its entries are not trusted, the listing's crawl is partial
const DRIFT: Fault = { kind: 'layout-drift', match: 'social-innovation-issue&newsstart=11' }

/** Run n happens on 2026-11-0n at 10:00 in Brussels. */
const PLAN = [
  { step: 0, drift: true }, // run 1: social-innovation partial, the other listings complete
  { step: 0, drift: false }, // run 2
  { step: 2, drift: true }, // run 3: three new entries, an edited summary, a re-tag; social-innovation partial again
  { step: 2, drift: false }, // run 4
  { step: 3, drift: false }, // run 5: a retitled entry (moved)
  { step: 4, drift: false }, // run 6: an entry gone (one complete crawl without it)
  { step: 4, drift: false }, // run 7: ... and reported removed
]
const runStart = (run: number) => Date.UTC(2026, 10, run, 9)
const day = (run: number) => `2026-11-0${run}`
const endOf = (text: string): Date => {
  const at = parseSiteDate(text, 'end')
  if (at === null) throw new Error(`not a date: ${text}`)
  return at
}
const EDITED = 'WSPO-BGYT8M'
const REMOVED = legacyTimeline[4]?.changes.find((change) => change.kind === 'remove')?.key ?? ''

const replica = useReplica()

/** The oracle: social-innovation walked page by page on the replica at a step, with plain fetch and the parser. */
async function listedOnReplica(step: number): Promise<{ key: string; title: string | null; url: string }[]> {
  replica().setStep(step)
  replica().setFaults([])
  const origins = new OriginMap(legacyHosts, replica().origin)
  const entries: { key: string; title: string | null; url: string }[] = []
  let url: string | null = socialUrl
  while (url) {
    const page = eurocitiesLegacy.parseListing(await (await fetch(origins.toFetchUrl(url))).text(), url)
    entries.push(...page.entries.filter((entry) => !entries.some((seen) => seen.key === entry.key)))
    url = page.nextPage
  }
  return entries.map(({ key, title, url }) => ({ key, title, url }))
}

describe.each(backends)('the archive read back on %s', (backend) => {
  let database: TestDatabase | undefined
  const db = () => {
    if (database === undefined) throw new Error('no database')
    return database.db
  }
  const oracle = new Map<number, { key: string; title: string | null; url: string }[]>()
  const dir = mkdtempSync(join(tmpdir(), 'eurowatch-archive-'))

  beforeAll(async () => {
    database = await openTestDatabase(backend)
    let clock = 0
    const deps = { db: db(), now: () => new Date((clock += 7)), log: silent }
    for (const [index, { step, drift }] of PLAN.entries()) {
      clock = runStart(index + 1)
      replica().setStep(step)
      replica().setFaults(drift ? [DRIFT] : [])
      const crawl = await crawlJob(deps, sources, replicaCrawlSettings(replica()))
      expect(crawl.status).toBe(drift ? 'partial' : 'complete')
      await diffRun(deps, crawl.runId, { removeAfter: 2 })
    }
    for (const step of [0, 2, 3, 4]) oracle.set(step, await listedOnReplica(step))
  }, 240_000)

  afterAll(async () => {
    await database?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  async function snapshot(asOfText: string, listing = SOCIAL): Promise<ListingSnapshot> {
    const result = await loadSnapshot(db(), { listing, asOf: endOf(asOfText), asOfText })
    if (result.kind !== 'snapshot') throw new Error(`no snapshot of ${listing} as of ${asOfText}: ${JSON.stringify(result)}`)
    return result.snapshot
  }

  it('shows a listing as its last complete crawl saw it: every entry, in order, with the version of that run', async () => {
    for (const [run, step] of [[2, 0], [4, 2], [5, 3], [6, 4], [7, 4]] as const) {
      const shown = await snapshot(day(run))
      expect(shown.crawl.runId).toBe(run)
      expect(shown.entries.map(({ key, fields }) => ({ key, title: fields.title, url: fields.url }))).toEqual(oracle.get(step))
      expect(shown.entries.map((entry) => entry.position)).toEqual(shown.entries.map((_, index) => index + 1))
      for (const entry of shown.entries) {
        expect(entry.validity.validFromRun).toBeLessThanOrEqual(run)
        expect(entry.validity.validToRun === null || entry.validity.validToRun > run).toBe(true)
      }
    }
    // a listing complete in run 1 is shown from it
    expect((await snapshot(day(1), 'innovation')).crawl.runId).toBe(1)
  })

  it('never shows a partial crawl as the listing: the complete one before it, each entry as that crawl read it', async () => {
    const before = await snapshot(day(2))
    const during = await snapshot(day(3))
    expect(during.crawl.runId).toBe(2)
    expect(during.entries.map((entry) => [entry.key, entry.fields, entry.validity.validFromRun])).toEqual(before.entries.map((entry) => [entry.key, entry.fields, entry.validity.validFromRun]))
    const edited = (shown: ListingSnapshot) => shown.entries.find((entry) => entry.key === EDITED)?.fields.summary ?? ''
    expect(edited(during)).not.toContain('now twelve mediators strong')
    expect(edited(await snapshot(day(4)))).toContain('now twelve mediators strong')
    // as of day 3, what day 2 showed of the edited entry had been replaced (by run 3's healthy page 1)
    expect(during.entries.find((entry) => entry.key === EDITED)?.validity.validToRun).toBe(3)
  })

  it('says plainly when there is nothing to show', async () => {
    const only = await loadSnapshot(db(), { listing: SOCIAL, asOf: endOf(day(1)), asOfText: day(1) })
    expect(only).toMatchObject({ kind: 'no-complete-crawl', crawls: 1, latest: { runId: 1, status: 'partial' }, nextCompleteAt: expect.any(Date) })
    expect(only.kind === 'no-complete-crawl' && only.latest.reason).toMatch(/page 2/)
    const crawls = await db()
      .selectFrom('listing_crawl as c')
      .innerJoin('listing as l', 'l.id', 'c.listing_id')
      .select(['c.run_id', 'c.started_at', 'c.finished_at'])
      .where('l.source_id', '=', SOCIAL)
      .orderBy('c.run_id')
      .execute()
    const second = crawls[1]
    expect(second?.finished_at?.getTime()).toBeGreaterThan((second?.started_at.getTime() ?? 0) + 1)
    const running = await loadSnapshot(db(), { listing: SOCIAL, asOf: new Date((second?.started_at.getTime() ?? 0) + 1), asOfText: 'during run 2' })
    expect(running).toMatchObject({ kind: 'no-complete-crawl', crawls: 2, latest: { runId: 2, status: 'running' } })
    expect(await loadSnapshot(db(), { listing: SOCIAL, asOf: endOf('2026-10-31'), asOfText: '2026-10-31' })).toEqual({ kind: 'before-first-crawl', firstCrawlAt: crawls[0]?.started_at })
    expect(await loadSnapshot(db(), { listing: 'nothing', asOf: endOf(day(7)), asOfText: day(7) })).toEqual({ kind: 'unknown-listing', known: sources.map((s) => s.name).sort() })
  })

  it('tells an entry\'s history as it stood on a date', async () => {
    const full = await entryHistory(db(), EDITED)
    expect(full?.versions.length).toBeGreaterThanOrEqual(2)
    for (const run of [1, 2, 3, 4, 7]) {
      const asOf = endOf(day(run))
      const then = await entryHistory(db(), EDITED, asOf)
      const expected = (full?.versions ?? [])
        .filter((version) => version.validFrom <= asOf)
        .map((version) => ({ fields: version.fields, validFromRun: version.validFromRun, validToRun: version.validTo !== null && version.validTo <= asOf ? version.validToRun : null }))
      expect(then?.versions.map(({ fields, validFromRun, validToRun }) => ({ fields, validFromRun, validToRun }))).toEqual(expected)
      expect(then?.lastSeenRun).toBe(run)
    }
    expect(await entryHistory(db(), EDITED, endOf('2026-10-31'))).toBeNull()
    expect((await entryHistory(db(), REMOVED, endOf(day(6))))?.removedAt).toBeNull()
    expect((await entryHistory(db(), REMOVED, endOf(day(7))))?.removedAt).toEqual(expect.any(Date))
    expect((await entryHistory(db(), REMOVED, endOf(day(7))))?.lastSeenRun).toBe(5)
  })

  it('exports entries as of a moment that agree with the snapshot of that moment', async () => {
    for (const run of [2, 3, 4, 5, 6, 7]) {
      const shown = toSnapshotJson(await snapshot(day(run)))
      const scope = await resolveScope(db(), { since: null, until: endOf(day(run)), listing: SOCIAL })
      if (scope === null) throw new Error('no scope')
      const exported: ExportedEntry[] = []
      for await (const entry of exportedEntries(db(), scope)) exported.push(entry)
      const json = exported.map(toEntryJson)
      const byKey = new Map(json.map((entry) => [entry.key, entry]))
      // every entry of the snapshot, with the version valid in the snapshot's crawl
      for (const { position: _position, page: _page, key, ...version } of shown.entries) {
        const valid = byKey.get(key)?.versions.find((v) => v.validFromRun <= shown.crawl.runId && (v.validToRun === null || v.validToRun > shown.crawl.runId))
        // the export also tells where the version comes from (a crawl here) and what its own page said (none fetched here)
        expect(valid, `${key} as of ${day(run)}`).toEqual({ ...version, origin: 'crawl', correctedAt: null, detail: null })
      }
      // and when that crawl was the listing's last one by then, exactly the entries it showed, in its order
      const lastOnListing = json
        .flatMap((entry) => entry.listings.filter((listing) => listing.source === SOCIAL && listing.lastSeenRun === shown.crawl.runId).map((listing) => ({ key: entry.key, at: listing.lastPosition })))
        .sort((a, b) => a.at - b.at)
      if (run !== 3) expect(lastOnListing.map((entry) => entry.key)).toEqual(shown.entries.map((entry) => entry.key))
      // no version stored after the moment
      expect(json.flatMap((entry) => entry.versions).every((version) => version.validFromRun <= run && (version.validToRun ?? 0) <= run)).toBe(true)
    }
    const removed = [] as ExportedEntry[]
    const scope = await resolveScope(db(), { since: null, until: null, listing: null })
    for await (const entry of exportedEntries(db(), scope ?? { since: null, until: null, listingId: null })) if (entry.removed !== null) removed.push(entry)
    expect(removed.map((entry) => [entry.key, entry.removed?.runId])).toEqual([[REMOVED, 7]])
  })

  it('exports every stored fetch as WARC records that read back with their digests; a body written before becomes a revisit', async () => {
    const path = join(dir, `${backend}.warc`)
    const scope = { since: null, until: null, listingId: null }
    const output = await openOutput(path)
    const counts = await writeExport(db(), 'warc', scope, output, { warc: { gzip: false, filename: `${backend}.warc`, info: {} } })
    await output.commit()
    const records = await readWarc(path)
    const fetches = await db().selectFrom('page_fetch').select(['id', 'url', 'status', 'body_sha256']).where('status', 'is not', null).orderBy('id').execute()
    const distinct = new Set(fetches.map((fetch) => fetch.body_sha256))
    expect(counts).toEqual({ items: fetches.length, detail: fetches.length - distinct.size })
    expect(counts.detail).toBeGreaterThan(fetches.length / 2)

    expect(records[0]?.type).toBe('warcinfo')
    const requests = records.filter((record) => record.type === 'request')
    const answers = records.filter((record) => record.type === 'response' || record.type === 'revisit')
    expect(records).toHaveLength(1 + 2 * fetches.length)
    expect(answers.map((record) => record.targetUri)).toEqual(fetches.map((fetch) => fetch.url))
    expect(requests.map((record) => record.headers.get('warc-concurrent-to'))).toEqual(answers.map((record) => record.id))
    expect(requests[0]?.http?.statusline).toBe(`GET ${new URL(fetches[0]?.url ?? '').pathname} HTTP/1.1`)

    const firstOf = new Map<string, (typeof records)[number]>()
    for (const [index, record] of answers.entries()) {
      const sha256 = fetches[index]?.body_sha256 ?? ''
      expect(record.http?.statusline).toBe('HTTP/1.1 200 OK')
      expect(record.http?.headers.get('content-length')).toBe(String(record.type === 'response' ? record.payload.length : (await readPageBody(db(), sha256))?.length))
      expect(record.headers.get('warc-payload-digest')).toBe(`sha256:${sha256}`)
      const first = firstOf.get(sha256)
      if (first === undefined) {
        expect(record.type).toBe('response')
        expect(record.payload.equals((await readPageBody(db(), sha256)) ?? Buffer.alloc(0))).toBe(true)
        firstOf.set(sha256, record)
      } else {
        expect(record.type).toBe('revisit')
        expect(record.payload).toHaveLength(0)
        expect(record.headers.get('warc-refers-to')).toBe(first.id)
        expect(record.headers.get('warc-refers-to-target-uri')).toBe(first.targetUri)
        expect(record.headers.get('warc-refers-to-date')).toBe(first.date)
      }
    }
  })

  it('exports one listing between two dates, and per-record gzip that reads back the same', async () => {
    const scope = await resolveScope(db(), { since: new Date(runStart(2)), until: endOf(day(2)), listing: 'innovation' })
    if (scope === null) throw new Error('no scope')
    const read = async (name: string) => {
      const output = await openOutput(join(dir, name))
      await writeExport(db(), 'warc', scope, output, { warc: { gzip: name.endsWith('.gz'), filename: name, info: {} } })
      await output.commit()
      return readWarc(join(dir, name))
    }
    const plain = await read(`${backend}-innovation.warc`)
    const fetches = await db()
      .selectFrom('page_fetch as p')
      .innerJoin('listing as l', 'l.id', 'p.listing_id')
      .select('p.url')
      .where('l.source_id', '=', 'innovation')
      .where('p.run_id', '=', 2)
      .orderBy('p.id')
      .execute()
    // run 1 had the same bodies, but not in this file: each is written in full
    expect(plain.filter((record) => record.type === 'response').map((record) => record.targetUri)).toEqual(fetches.map((fetch) => fetch.url))
    expect(plain.filter((record) => record.type === 'revisit')).toEqual([])
    const gzipped = await read(`${backend}-innovation.warc.gz`)
    const content = (records: typeof plain) => records.slice(1).map((record) => [record.type, record.targetUri, record.date, record.http?.statusline, record.payload.toString('base64')])
    expect(content(gzipped)).toEqual(content(plain))
  })
})
