// Backfill of a legacy listing from the replica's web archive on both backends: moments
// reassembled from captures (complete, partial for a missing page, a gap), versions dated by
// capture with no change raised, a snapshot as of a backfilled date, resume without a fetch,
// and the archive's faults told as health events with nothing false recorded.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WaybackArchive, type ArchiveSettings } from '../../crawlers/wayback.ts'
import { entryHistory } from '../../db/entry-history.ts'
import { backfillListings, type BackfillSource } from '../../jobs/backfill.ts'
import { crawlJob, type CrawlSource } from '../../jobs/crawl.ts'
import { loadSnapshot } from '../../jobs/snapshot.ts'
import { eurocitiesLegacy } from '../../parsers/eurocities-legacy.ts'
import { legacySources } from '../../src/config/defaults.ts'
import type { Fault } from '../../replica/index.ts'
import { writeExport } from '../../src/cli/archive-export.ts'
import { openOutput } from '../../src/cli/output-file.ts'
import { backends, openTestDatabase, type TestDatabase } from '../support/databases.ts'
import { readWarc } from '../support/warc.ts'
import { replicaCrawlSettings, useReplica } from '../support/replica.ts'
import { closedPort } from '../support/closed-port.ts'

const SOCIAL = 'social-innovation'
const EDITED = 'WSPO-BGYT8M'
const source = (name: string): BackfillSource => ({ name, profile: eurocitiesLegacy, url: legacySources.find((s) => s.name === name)?.url ?? '', theme: null, maxPages: 10 })
const request = { from: null, to: null, windowSeconds: 6 * 3600 }
const replica = useReplica()
const archiveSettings = (pageSize = 1000): ArchiveSettings => ({ archiveUrl: replica().origin, userAgent: 'eurowatch-test/1', perHostDelaySeconds: 0, timeoutSeconds: 5, maxResponseBytes: 2_000_000, cdxPageSize: pageSize })
const archive = (pageSize = 1000) => new WaybackArchive(archiveSettings(pageSize))

const silent = pino({ level: 'silent' })
const capturePath = (timestamp: string, page: string) => `/web/${timestamp}id_/http://www.eurocities.eu/eurocities/issues/${page}`

/** The oracle: the listing's entries as the replica's site showed them at a step, page by page. */
async function listedAt(step: number, name = SOCIAL): Promise<string[]> {
  replica().setStep(step)
  const keys: string[] = []
  let url: string | null = source(name).url
  while (url !== null) {
    const page = eurocitiesLegacy.parseListing(await (await fetch(`${replica().origin}${new URL(url).pathname}${new URL(url).search}`)).text(), url)
    for (const entry of page.entries) if (!keys.includes(entry.key)) keys.push(entry.key)
    url = page.nextPage
  }
  return keys
}

describe.each(backends)('backfill on %s', (backend) => {
  let database: TestDatabase | undefined
  const db = () => {
    if (database === undefined) throw new Error('no database')
    return database.db
  }
  const deps = () => ({ db: db(), now: () => new Date(), log: silent })

  beforeAll(async () => {
    database = await openTestDatabase(backend)
  })
  afterAll(async () => {
    await database?.close()
  })

  it('reassembles moments from captures, dates versions by capture and raises no change', async () => {
    replica().setFaults([])
    replica().resetRequests()
    // three rows a CDX page: the index is read in four pages, each after the resume key of the one before
    const summary = await backfillListings(deps(), archive(3), [source(SOCIAL)], request)
    expect(replica().requests().filter((r) => r.path.startsWith('/cdx/')).map((r) => r.path.includes('resumeKey='))).toEqual([false, true, true, true])
    expect(summary.moments.map((moment) => [moment.at.toISOString(), moment.status])).toEqual([
      ['2019-11-01T10:00:00.000Z', 'complete'],
      ['2019-11-08T10:00:00.000Z', 'partial'],
      ['2019-11-15T10:00:00.000Z', 'complete'],
      // step 4: page 1 unchanged since step 2 (the same digest): read from that capture, and the moment is complete
      ['2019-11-29T10:00:00.000Z', 'complete'],
    ])
    expect(summary.moments[3]?.unchanged).toEqual([{ page: 1, since: new Date('2019-11-15T10:00:00Z') }])
    expect(summary.moments.slice(0, 3).map((moment) => moment.unchanged)).toEqual([[], [], []])
    expect(summary.moments[1]?.reason).toMatch(/^page 3 \(.*newsstart=21.*\) was not captured within 6 h of 2019-11-08T10:00:00.000Z$/)
    // page 1 of 29 November is read from its capture of 15 November, stored already: not fetched
    expect([summary.fetched, summary.reused]).toEqual([10, 1])
    expect(await db().selectFrom('change_event').select('id').execute()).toEqual([])
    const health = await db().selectFrom('health_event').select(['problem', 'message']).orderBy('id').execute()
    expect(health.map((event) => event.problem)).toEqual(['incomplete'])

    const history = await entryHistory(db(), EDITED)
    expect(history?.versions.map((version) => [version.origin, version.validFrom.toISOString(), version.validTo?.toISOString() ?? null])).toEqual([
      ['backfill', expect.stringMatching(/^2019-11-01T10:/), expect.stringMatching(/^2019-11-15T10:/)],
      ['backfill', expect.stringMatching(/^2019-11-15T10:/), null],
    ])
    expect(history?.versions[1]?.fields.summary).toContain('now twelve mediators strong')

    const asOf = async (at: string) => {
      const result = await loadSnapshot(db(), { listing: SOCIAL, asOf: new Date(at), asOfText: at })
      if (result.kind !== 'snapshot') throw new Error(`no snapshot as of ${at}: ${result.kind}`)
      return result.snapshot
    }
    const early = await asOf('2019-11-10T00:00:00Z')
    expect(early.crawl.startedAt.toISOString()).toBe('2019-11-01T10:00:00.000Z')
    expect(early.entries.map((entry) => entry.key)).toEqual(await listedAt(0))
    // the moment whose page 1 was unchanged is whole: the listing as the site showed it then
    const unchangedPage = await asOf('2019-11-30T00:00:00Z')
    expect(unchangedPage.crawl.startedAt.toISOString()).toBe('2019-11-29T10:00:00.000Z')
    expect(unchangedPage.entries.map((entry) => entry.key)).toEqual(await listedAt(4))
    const later = await asOf('2019-11-20T00:00:00Z')
    expect(later.entries.map((entry) => entry.key)).toEqual(await listedAt(2))
    expect(later.entries.find((entry) => entry.key === EDITED)?.fields.summary).toContain('now twelve mediators strong')
    expect((await loadSnapshot(db(), { listing: SOCIAL, asOf: new Date('2019-10-01T00:00:00Z'), asOfText: '2019-10-01' })).kind).toBe('before-first-crawl')
  })

  it('exports the backfilled pages as WARC records dated by capture, naming the capture they were read from', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eurowatch-backfill-'))
    try {
      const path = join(dir, 'backfill.warc')
      const output = await openOutput(path)
      await writeExport(db(), 'warc', { since: null, until: null, listingId: null }, output, { warc: { gzip: false, filename: 'backfill.warc', info: {} } })
      await output.commit()
      const responses = (await readWarc(path)).filter((record) => record.type === 'response')
      expect(responses.length).toBe(10)
      const first = responses[0]
      expect(first?.date).toBe('2019-11-01T10:00:00.000Z')
      expect(first?.targetUri).toBe(source(SOCIAL).url)
      expect(first?.headers.get('warc-source-uri')).toBe(`${replica().origin}/web/20191101100000id_/${source(SOCIAL).url}`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('backfills several listings together, their moments in time order', async () => {
    const fresh = await openTestDatabase(backend)
    try {
      const both = await backfillListings({ db: fresh.db, now: () => new Date() }, archive(), [source('documents-social-affairs'), source(SOCIAL)], request)
      const written = both.moments.filter((moment) => moment.runId !== null)
      expect(written.map((moment) => moment.at.getTime())).toEqual([...written].map((moment) => moment.at.getTime()).sort((a, b) => a - b))
      expect(written.map((moment) => moment.runId)).toEqual([...written].map((moment) => moment.runId).sort((a, b) => (a ?? 0) - (b ?? 0)))
      expect(new Set(written.map((moment) => moment.listing))).toEqual(new Set(['documents-social-affairs', SOCIAL]))
      const runs = await fresh.db.selectFrom('crawl_run').select(['id', 'started_at', 'kind']).orderBy('id').execute()
      expect(runs.every((run, index) => run.kind === 'backfill' && (index === 0 || (runs[index - 1]?.started_at.getTime() ?? 0) <= run.started_at.getTime()))).toBe(true)
    } finally {
      await fresh.close()
    }
  })

  it('backfills the other listings after one was, and refuses only a listing\'s own older moments', async () => {
    const fresh = await openTestDatabase(backend)
    try {
      const freshDeps = { db: fresh.db, now: () => new Date(), log: silent }
      // a report listed on both social-innovation and documents, edited in social-innovation's capture of 15 November
      const shared = 'WSPO-BH4N2R'
      const captured = await archive().fetchCapture({ timestamp: '20191115100000', original: source(SOCIAL).url })
      if (captured.kind !== 'capture') throw new Error(captured.reason)
      const edited = captured.body.toString('utf8').replace('Nine cities report', 'Ten cities report')
      expect(edited).toContain('Ten cities report')
      replica().setFaults([{ kind: 'replace', match: capturePath('20191115100000', 'social-innovation-issue'), status: 200, body: edited, contentType: 'text/html; charset=utf-8' }])
      try {
        await backfillListings(freshDeps, archive(), [source(SOCIAL)], request)
      } finally {
        replica().setFaults([])
      }
      // smart-cities is crawled for itself (today) before its backfill: its captures are older than its history
      replica().setStep(0)
      const live: CrawlSource = { ...source('smart-cities'), render: 'http', fullCrawl: { everyRuns: 100, olderThanHours: null } }
      await crawlJob(freshDeps, [live], { ...replicaCrawlSettings(replica()), parseThreads: 0 })
      const others = await backfillListings(freshDeps, archive(), [source('innovation'), source('smart-cities'), source('documents-social-affairs')], request)
      const written = others.moments.filter((moment) => moment.runId !== null)
      expect(new Set(written.map((moment) => moment.listing))).toEqual(new Set(['innovation', 'documents-social-affairs']))
      expect(written.reduce((sum, moment) => sum + moment.entries, 0)).toBeGreaterThan(0)
      const refused = others.moments.filter((moment) => moment.listing === 'smart-cities')
      expect(refused.length).toBeGreaterThan(0)
      expect(refused.every((moment) => moment.status === 'older-than-history' && moment.reason?.startsWith("older than the listing's own history"))).toBe(true)
      // documents showed the report unedited on 8 November, before social-innovation's edit of the 15th: the
      // report keeps the versions that later history gave it, and every entry's versions chain forward in time
      const history = await entryHistory(fresh.db, shared)
      expect(history?.versions.slice(0, 2).map((version) => [version.fields.summary?.slice(0, 17), version.validFrom.toISOString().slice(0, 10), version.validTo?.toISOString().slice(0, 10) ?? null])).toEqual([
        ['Nine cities repor', '2019-11-08', '2019-11-15'],
        ['Ten cities report', '2019-11-15', expect.anything()],
      ])
      const versions = await fresh.db.selectFrom('entry_version').select(['entry_id', 'valid_from', 'valid_to']).orderBy('entry_id').orderBy('valid_from_run').execute()
      expect(versions.filter((version) => version.valid_to !== null && version.valid_to < version.valid_from)).toEqual([])
      versions.forEach((version, index) => {
        const before = versions[index - 1]
        if (before?.entry_id === version.entry_id) expect(before.valid_from.getTime()).toBeLessThanOrEqual(version.valid_from.getTime())
      })
    } finally {
      await fresh.close()
    }
  })

  it('fetches nothing it already has the second time', async () => {
    replica().resetRequests()
    const again = await backfillListings(deps(), archive(), [source(SOCIAL)], request)
    expect(again.fetched).toBe(0)
    expect(again.moments.every((moment) => moment.status === 'stored-before')).toBe(true)
    expect(replica().requests().filter((r) => r.path.startsWith('/web/'))).toEqual([])
  })

  it('tells the archive\'s faults as health events and records nothing false', async () => {
    const run = async (name: string, faults: Fault[]) => {
      replica().setFaults(faults)
      try {
        return await backfillListings(deps(), archive(), [source(name)], request)
      } finally {
        replica().setFaults([])
      }
    }
    const healthOf = async (runId: number | null) => db().selectFrom('health_event').select(['problem', 'message']).where('run_id', '=', runId ?? 0).execute()

    const malformed = await run('innovation', [{ kind: 'replace', match: '/cdx/', status: 200, body: '[["urlkey","timestamp"],["x"', contentType: 'application/json' }])
    expect(malformed.moments.map((moment) => moment.status)).toEqual(['failed'])
    expect(await healthOf(malformed.moments[0]?.runId ?? null)).toEqual([{ problem: 'fetch-failed', message: expect.stringContaining('is not JSON') }])

    const empty = await run('innovation', [{ kind: 'replace', match: '/cdx/', status: 200, body: '[]', contentType: 'application/json' }])
    expect(empty).toMatchObject({ captures: 0, moments: [] })

    // innovation's moment is older than the social-innovation history stored, but innovation has none of its own: it is written
    expect((await run('innovation', [])).moments.map((moment) => moment.status)).not.toContain('older-than-history')

    // into a database of its own: innovation, then social-innovation
    const other = await openTestDatabase(backend)
    try {
      replica().setFaults([{ kind: 'status', match: capturePath('20191101100000', 'innovation-issue'), status: 404 }])
      const missing = await backfillListings({ db: other.db, now: () => new Date() }, archive(), [source('innovation')], request)
      expect(missing.moments.slice(0, 1).map((moment) => [moment.status, moment.reason])).toEqual([['failed', expect.stringContaining('the archive answered 404')]])
      expect((await other.db.selectFrom('health_event').select('problem').where('run_id', '=', missing.moments[0]?.runId ?? 0).execute()).map((event) => event.problem)).toEqual(['fetch-failed'])
      replica().setFaults([
        { kind: 'replace', match: capturePath('20191101100000', 'social-innovation-issue'), status: 302, body: '', headers: { Location: '/web/20191108100000id_/x' } },
        { kind: 'replace', match: capturePath('20191108101500', 'social-innovation-issue'), status: 200, body: '<html></html>', headers: { Link: '<http://www.eurocities.eu/eurocities/issues/smart-cities-issue>; rel="original"' } },
        { kind: 'replace', match: capturePath('20191115100000', 'social-innovation-issue'), status: 200, body: '<html><body><h1>Hrm.</h1><p>The Wayback Machine has not archived that URL.</p></body></html>' },
      ])
      const faulty = await backfillListings({ db: other.db, now: () => new Date() }, archive(), [source(SOCIAL)], request)
      replica().setFaults([])
      expect(faulty.moments.slice(0, 3).map((moment) => [moment.status, moment.pages, moment.reason])).toEqual([
        ['failed', 0, expect.stringContaining('the archive redirected to /web/20191108100000id_/x')],
        ['partial', 1, expect.stringContaining('a capture of another page (http://www.eurocities.eu/eurocities/issues/smart-cities-issue)')],
        ['failed', 0, expect.stringMatching(/^page 1 \(.*\): /)],
      ])
      const problems = await Promise.all(
        faulty.moments.slice(0, 3).map(async (moment) => (await other.db.selectFrom('health_event').select('problem').where('run_id', '=', moment.runId ?? 0).execute()).map((event) => event.problem)),
      )
      expect(problems).toEqual([['fetch-failed'], ['fetch-failed'], ['layout']])
      // nothing read from those pages: the only versions are those of the one page read, page 1 of 8 November
      const faultyRuns = faulty.moments.slice(0, 3).map((moment) => moment.runId ?? 0)
      const stored = await other.db.selectFrom('entry_version').select(['valid_from']).where('valid_from_run', 'in', faultyRuns).execute()
      expect(stored.length).toBe(faulty.moments[1]?.versionsCreated)
      expect(stored.every((version) => version.valid_from.toISOString().startsWith('2019-11-08T10:00'))).toBe(true)
      expect(await other.db.selectFrom('change_event').select('id').execute()).toEqual([])
    } finally {
      await other.close()
    }
  })

  it('ends an archive index that never ends, or comes back to a resume key, as a health event at once', async () => {
    const fresh = await openTestDatabase(backend)
    try {
      const backfill = async (faults: Fault[]) => {
        replica().setFaults(faults)
        replica().resetRequests()
        try {
          return await backfillListings({ db: fresh.db, now: () => new Date() }, new WaybackArchive({ ...archiveSettings(3), maxCdxPages: 20 }), [source('innovation')], request)
        } finally {
          replica().setFaults([])
        }
      }
      const cdxAsked = () => replica().requests().filter((r) => r.path.startsWith('/cdx/')).length
      const healthOf = async (runId: number | null) => fresh.db.selectFrom('health_event').select(['problem', 'message']).where('run_id', '=', runId ?? 0).execute()

      // resume keys that come back (A, B, A): a loop, stopped on the first key given again
      const cycling = await backfill([{ kind: 'endless-index', match: '/cdx/', cycle: 2 }])
      expect(cycling.moments.map((moment) => moment.status)).toEqual(['failed'])
      expect(cdxAsked()).toBe(3)
      expect(await healthOf(cycling.moments[0]?.runId ?? null)).toEqual([{ problem: 'incomplete', message: expect.stringContaining('gave a resume key it gave before (after page 3): a loop, stopped') }])

      // a new resume key every time: stopped at the bound
      const endless = await backfill([{ kind: 'endless-index', match: '/cdx/' }])
      expect(endless.moments.map((moment) => moment.status)).toEqual(['failed'])
      expect(cdxAsked()).toBe(20)
      expect(await healthOf(endless.moments[0]?.runId ?? null)).toEqual([{ problem: 'incomplete', message: expect.stringContaining('did not end within 20 pages') }])

      // an answer that never ends: cut at the size cap
      const bottomless = await backfill([{ kind: 'endless-body', match: '/cdx/' }])
      expect(bottomless.moments.map((moment) => moment.status)).toEqual(['failed'])
      expect(await healthOf(bottomless.moments[0]?.runId ?? null)).toEqual([{ problem: 'fetch-failed', message: expect.stringContaining('larger than 2000000 bytes') }])
    } finally {
      await fresh.close()
    }
  })

  it('tells an archive that does not answer (refused, unresolvable, timed out) as a health event, in plain words', async () => {
    const fresh = await openTestDatabase(backend)
    try {
      const backfill = (settings: Partial<ArchiveSettings>) =>
        backfillListings({ db: fresh.db, now: () => new Date() }, new WaybackArchive({ ...archiveSettings(), ...settings }), [source('innovation')], request)
      const messageOf = async (summary: Awaited<ReturnType<typeof backfill>>) => {
        expect(summary.moments.map((moment) => moment.status)).toEqual(['failed'])
        const health = await fresh.db.selectFrom('health_event').select(['problem', 'message']).where('run_id', '=', summary.moments[0]?.runId ?? 0).execute()
        expect(health.map((event) => event.problem)).toEqual(['fetch-failed'])
        return health[0]?.message
      }
      const closed = await closedPort()
      expect(await messageOf(await backfill({ archiveUrl: `http://127.0.0.1:${closed}` }))).toBe(`the archive could not be read: 127.0.0.1:${closed} refused the connection`)
      expect(await messageOf(await backfill({ archiveUrl: 'http://archive.invalid' }))).toBe('the archive could not be read: the host name archive.invalid could not be resolved (DNS)')
      replica().setFaults([{ kind: 'slow', match: '/cdx/', delayMs: 5000 }])
      try {
        expect(await messageOf(await backfill({ timeoutSeconds: 0.2 }))).toBe(`the archive could not be read: no complete answer from ${new URL(replica().origin).host} within 0.2 s`)
      } finally {
        replica().setFaults([])
      }
    } finally {
      await fresh.close()
    }
  })

  it('leaves the next crawl of the site full: captures are neither a full crawl of it nor its validators', async () => {
    replica().setFaults([])
    replica().setStep(0)
    replica().resetRequests()
    const live: CrawlSource = { ...source(SOCIAL), render: 'http', fullCrawl: { everyRuns: 100, olderThanHours: null } }
    const crawl = await crawlJob(deps(), [live], { ...replicaCrawlSettings(replica()), parseThreads: 0 })
    expect(crawl.listings.map((listing) => [listing.status, listing.pages])).toEqual([['complete', 3]])
    expect(replica().requests().filter((r) => r.status === 304)).toEqual([])
  })
})
