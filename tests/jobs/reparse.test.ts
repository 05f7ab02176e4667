// `reparse` over a history crawled with a broken profile (it lost every summary, so it never saw
// an edited one): re-read with the fixed profile, the history is corrected in place on both
// backends, the edited summary splits its version at the run that showed the edit, nothing is
// reported as a change, and a second apply finds nothing left to correct.
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { entryHistory } from '../../db/entry-history.ts'
import type { SiteProfile } from '../../domain/entry.ts'
import { crawlJob, type CrawlSource } from '../../jobs/crawl.ts'
import { diffRun } from '../../jobs/diff.ts'
import { reparse, type ReparseSource } from '../../jobs/reparse.ts'
import { loadSnapshot } from '../../jobs/snapshot.ts'
import { eurocitiesLegacy } from '../../parsers/eurocities-legacy.ts'
import { legacySources } from '../../src/config/defaults.ts'
import { backends, openTestDatabase, type TestDatabase } from '../support/databases.ts'
import { replicaCrawlSettings, useReplica } from '../support/replica.ts'

const silent = pino({ level: 'silent' })
const SOCIAL = 'social-innovation'
const EDITED = 'WSPO-BGYT8M'
const EDIT = 'now twelve mediators strong'

/** The old parser bug: every summary lost. */
const broken: SiteProfile = {
  ...eurocitiesLegacy,
  parseListing(html, pageUrl) {
    const page = eurocitiesLegacy.parseListing(html, pageUrl)
    return { ...page, entries: page.entries.map((entry) => ({ ...entry, summary: null, summaryTruncated: false })) }
  },
}
const url = legacySources.find((source) => source.name === SOCIAL)?.url ?? ''
const crawled = (profile: SiteProfile): CrawlSource[] => [{ name: SOCIAL, profile, url, maxPages: 50, render: 'http', theme: null }]
const fixed: ReparseSource[] = [{ name: SOCIAL, profile: eurocitiesLegacy, theme: null }]
const request = { runId: null, since: null, listing: null, apply: false }

const replica = useReplica()

describe.each(backends)('reparse on %s', (backend) => {
  let database: TestDatabase | undefined
  const db = () => {
    if (database === undefined) throw new Error('no database')
    return database.db
  }
  let clock = Date.UTC(2026, 10, 1, 9)
  const deps = () => ({ db: db(), now: () => new Date((clock += 1000)), log: silent })
  const count = async (table: 'entry_version' | 'change_event' | 'version_correction' | 'delivery') =>
    Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

  beforeAll(async () => {
    database = await openTestDatabase(backend)
    // run 1 at step 0, run 2 at step 2 (the edit): the broken profile reads the same summary (none) in both
    for (const step of [0, 2]) {
      replica().setStep(step)
      const crawl = await crawlJob(deps(), crawled(broken), replicaCrawlSettings(replica(), { maxConcurrency: 1 }))
      expect(crawl.status).toBe('complete')
      await diffRun(deps(), crawl.runId)
    }
  }, 120_000)

  afterAll(async () => {
    await database?.close()
  })

  it('tells what the fixed profile reads differently, writing nothing', async () => {
    const versions = await count('entry_version')
    const summary = await reparse(deps(), fixed, request)
    expect(summary.applied).toBe(false)
    expect(summary.pages).toBe(6)
    expect(summary.notes).toEqual([])
    const edited = summary.corrections.find((correction) => correction.entryKey === EDITED)
    expect(edited?.runs).toEqual([1, 2])
    // run 1 read the old summary, run 2 the edited one: the version splits at run 2
    expect(edited?.parts.map((part) => part.fromRun)).toEqual([1, 2])
    expect(edited?.parts[0]?.fields.summary).not.toContain(EDIT)
    expect(edited?.parts[1]?.fields.summary).toContain(EDIT)
    expect(edited?.parts[0]?.differences.map((difference) => difference.field)).toEqual(['summary'])
    expect(edited?.parts[0]?.differences[0]?.recorded).toBeNull()
    expect(summary.corrections.every((correction) => correction.parts.every((part) => part.differences.some((difference) => difference.field === 'summary')))).toBe(true)
    expect(await count('entry_version')).toBe(versions)
    expect(await count('version_correction')).toBe(0)
    // the scope: one run's pages only
    expect((await reparse(deps(), fixed, { ...request, runId: 1 })).pages).toBe(3)
  })

  it('corrects the versions with --apply, keeps what was recorded, raises no change, and a second apply changes nothing', async () => {
    const events = await count('change_event')
    const versions = await count('entry_version')
    const planned = await reparse(deps(), fixed, request)
    const applied = await reparse(deps(), fixed, { ...request, apply: true })
    expect(applied.corrections).toEqual(planned.corrections)
    expect(await count('version_correction')).toBe(planned.corrections.length)
    // one part split off: the edited entry's
    expect(await count('entry_version')).toBe(versions + 1)
    expect(await count('change_event')).toBe(events)
    expect(await count('delivery')).toBe(0)

    const history = await entryHistory(db(), EDITED)
    expect(history?.versions.map((version) => [version.origin, version.validFromRun, version.validToRun])).toEqual([
      ['reparse', 1, 2],
      ['reparse', 2, null],
    ])
    expect(history?.versions[0]?.corrections.map((correction) => correction.recorded.summary)).toEqual([null])
    expect(history?.versions[1]?.fields.summary).toContain(EDIT)
    // as of before the correction, the history as it was recorded
    const before = await entryHistory(db(), EDITED, new Date(clock - 500))
    expect(before?.versions.map((version) => [version.origin, version.fields.summary, version.validToRun])).toEqual([['crawl', null, null]])

    const snapshot = await loadSnapshot(db(), { listing: SOCIAL, asOf: new Date(clock + 1000), asOfText: 'now' })
    expect(snapshot.kind === 'snapshot' && snapshot.snapshot.entries.find((entry) => entry.key === EDITED)?.fields.summary).toContain(EDIT)

    const again = await reparse(deps(), fixed, { ...request, apply: true })
    expect(again.corrections).toEqual([])
    expect(await count('version_correction')).toBe(planned.corrections.length)
    expect(await count('entry_version')).toBe(versions + 1)
  })

  it('leaves a history the fixed profile agrees with: its next crawl of the same site stores no version and the diff reports nothing', async () => {
    replica().setStep(2)
    const crawl = await crawlJob(deps(), crawled(eurocitiesLegacy), replicaCrawlSettings(replica(), { maxConcurrency: 1 }))
    expect(crawl.versionsCreated).toBe(0)
    const diff = await diffRun(deps(), crawl.runId)
    expect(diff.inserted).toEqual({ new: 0, changed: 0, removed: 0, reappeared: 0, moved: 0 })
  })
})
