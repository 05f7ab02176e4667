// Entries' own pages end to end: the replica over loopback, the real crawl, detail and diff jobs, on
// PGlite and PostgreSQL. Each new or changed version's page is fetched once (a capped number a run),
// stored, read; faults record nothing false; a WordPress post under a new slug is reported moved.
import { describe, expect, it } from 'vitest'
import type { CrawlSource } from '../../jobs/crawl.ts'
import { crawlJob } from '../../jobs/crawl.ts'
import { fetchDetailsOfRun } from '../../jobs/detail-pages.ts'
import { diffPending } from '../../jobs/diff.ts'
import { runPipeline, type RunSummary } from '../../jobs/run.ts'
import { detailsOfVersions } from '../../db/details.ts'
import { entryHistory } from '../../db/entry-history.ts'
import { renderHistoryText, toHistoryJson } from '../../src/reports/history.ts'
import { resolveProfile } from '../../parsers/index.ts'
import { legacySources } from '../../src/config/defaults.ts'
import { currentTimeline, type Fault } from '../../replica/index.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { replicaCrawlSettings, silentLog, useReplica } from '../support/replica.ts'

const replica = useReplica()

const legacy = (name: string): CrawlSource => {
  const source = legacySources.find((candidate) => candidate.name === name)
  if (source === undefined) throw new Error(`no legacy source ${name}`)
  return { name, profile: resolveProfile('eurocities-legacy'), url: source.url, maxPages: 50, render: 'http', theme: null }
}
const DOCUMENTS = legacy('documents-social-affairs')
const SOCIAL = legacy('social-innovation')
const LATEST: CrawlSource = { name: 'latest', profile: resolveProfile('eurocities'), url: 'https://eurocities.eu/latest/', maxPages: 30, render: 'http', theme: null }

const eventsOf = (summary: RunSummary) => summary.diffs.flatMap((diff) => diff.events).filter((event) => !event.baseline).map((event) => `${event.kind} ${event.entry.key}`).sort()
const detailRequests = () => replica().requests().filter((request) => /-WSPO-|^\/latest\/[a-z0-9-]+\/$/.test(request.path))

describe.each(backends)('detail pages on %s', (backend) => {
  const db = useTestDatabase(backend)
  const deps = () => ({ db: db(), now: () => new Date(), log: silentLog })

  async function run(sources: CrawlSource[], step: number, detailPagesPerRun: number, faults: Fault[] = [], timeoutSeconds = 5): Promise<RunSummary> {
    replica().setStep(step)
    replica().setFaults(faults)
    try {
      return await runPipeline(deps(), sources, { ...replicaCrawlSettings(replica(), { timeoutSeconds }), detailPagesPerRun }, { removeAfter: 2 })
    } finally {
      replica().setFaults([])
    }
  }

  it('fetches each new version\'s page once, at most the cap a run, and completes cut summaries without reporting a change', async () => {
    replica().resetRequests()
    const first = await run([DOCUMENTS], 0, 15)
    const total = first.details.asked + first.details.waiting
    expect(first.details).toMatchObject({ asked: 15, outcomes: { read: 15 } })
    expect(total).toBe(first.crawl.entriesSeen)
    expect(detailRequests()).toHaveLength(15)
    let completed = first.details.completed
    let asked = first.details.asked
    for (let runs = 0; runs < 5 && asked < total; runs += 1) {
      const next = await run([DOCUMENTS], 0, 15)
      expect(next.changes).toBe(0)
      asked += next.details.asked
      completed += next.details.completed
    }
    expect(asked).toBe(total)
    // every page asked once: a completed version keeps the detail it was completed from
    expect(new Set(detailRequests().map((request) => request.path)).size).toBe(total)
    expect(detailRequests()).toHaveLength(total)
    const idle = await run([DOCUMENTS], 0, 15)
    expect(idle.details).toMatchObject({ asked: 0, waiting: 0 })
    expect(idle.changes).toBe(0)

    const open = await db().selectFrom('entry_version').selectAll().where('valid_to_run', 'is', null).execute()
    expect(open).toHaveLength(total)
    expect(completed).toBeGreaterThan(0)
    expect(open.filter((version) => version.summary_truncated)).toEqual([])
    expect((await detailsOfVersions(db(), open.map((version) => version.id))).size).toBe(total)
    // the listing still cuts those summaries: the fuller stored text is no change, run after run
    expect((await run([DOCUMENTS], 0, 15)).changes).toBe(0)

    const published = await run([DOCUMENTS], 1, 15)
    expect(eventsOf(published)).toEqual(['new WSPO-BH4N2R'])
    const report = published.diffs.flatMap((diff) => diff.events).find((event) => event.entry.key === 'WSPO-BH4N2R')
    expect(report?.entry.summary).toBe(
      'Nine cities report on two years of active inclusion strategies: what changed for residents furthest from the labour market, what it cost & what they would do differently next time.',
    )
    // the change report carries what the page said (JSON report and webhooks: entry.detail)
    expect(report?.detail).toMatchObject({ published: '2019-10-30', documentType: 'policy publication', contact: 'Social affairs team' })
    const version = await db().selectFrom('entry_version').innerJoin('entry', 'entry.id', 'entry_version.entry_id').select('entry_version.id').where('entry_key', '=', 'WSPO-BH4N2R').where('valid_to_run', 'is', null).executeTakeFirstOrThrow()
    expect((await detailsOfVersions(db(), [version.id])).get(version.id)).toMatchObject({
      published: '2019-10-30',
      documentType: 'policy publication',
      contact: 'Social affairs team',
      files: [{ url: 'http://www.eurocities.eu/eurocities/documents/report.pdf', label: 'download the document (PDF)' }],
    })
    const fetch = await db().selectFrom('detail_fetch').selectAll().where('version_id', '<', version.id + 1).where('url', 'like', '%BH4N2R').executeTakeFirstOrThrow()
    expect(fetch).toMatchObject({ status: 200, outcome: 'read', final_url: fetch.url })
    expect(await db().selectFrom('page_body').select('sha256').where('sha256', '=', fetch.body_sha256 ?? '').execute()).toHaveLength(1)

    // history: one version, its cut summary completed in place from its page (no new version, no change)
    const history = await entryHistory(db(), 'WSPO-BH4N2R')
    if (history === null) throw new Error('no history of WSPO-BH4N2R')
    expect(history.versions.map((v) => [v.fields.summaryTruncated, v.fields.summary, v.detail?.documentType])).toEqual([[false, report?.entry.summary, 'policy publication']])
    const text = renderHistoryText(history, { color: false })
    expect(text).toContain('  its page: published 2019-10-30 | policy publication\n  contact: Social affairs team\n  file: download the document (PDF) <http://www.eurocities.eu/eurocities/documents/report.pdf>\n  text: Nine cities report')
    expect(toHistoryJson(history).versions[0]?.detail).toMatchObject({ published: '2019-10-30', text: report?.entry.summary })
  }, 240_000)

  it('records faults and nothing false: a 404 is noted, a page without its block is a health event, a failed or slow fetch is asked again next run', async () => {
    const baseline = await run([DOCUMENTS], 0, 0)
    const [gone, drifted, failing, slow] = baseline.diffs.flatMap((diff) => diff.events).map((event) => new URL(event.entry.url).pathname).slice(0, 4)
    if (gone === undefined || drifted === undefined || failing === undefined || slow === undefined) throw new Error('the documents listing has fewer than 4 entries')
    const faulted = await run(
      [DOCUMENTS],
      0,
      100,
      [
        { kind: 'status', status: 404, match: gone },
        { kind: 'layout-drift', match: drifted },
        { kind: 'status', status: 503, match: failing },
        { kind: 'slow', delayMs: 4_000, match: slow, times: 1 },
      ],
      2,
    )
    expect(faulted.details.outcomes).toMatchObject({ gone: 1, 'no-block': 1, failed: 2, read: faulted.details.asked - 4 })
    expect(faulted.changes).toBe(0)
    const health = faulted.diffs.flatMap((diff) => diff.health)
    expect(health).toEqual([expect.objectContaining({ problem: 'detail-layout', listing: expect.objectContaining({ source: DOCUMENTS.name }) })])
    expect(health[0]?.message).toContain(drifted)
    const fetches = await db().selectFrom('detail_fetch').select(['url', 'outcome', 'status', 'error']).where('outcome', '<>', 'read').execute()
    expect(fetches.map((row) => [new URL(row.url).pathname, row.outcome, row.status]).sort()).toEqual(
      [[gone, 'gone', 404], [drifted, 'no-block', 200], [failing, 'failed', 503], [slow, 'failed', null]].sort(),
    )
    expect(await db().selectFrom('entry_detail').select('version_id').where('fetch_id', 'in', db().selectFrom('detail_fetch').select('id').where('outcome', '<>', 'read')).execute()).toEqual([])

    replica().resetRequests()
    const retried = await run([DOCUMENTS], 0, 100)
    expect(retried.details).toMatchObject({ asked: 2, outcomes: { read: 2 }, waiting: 0 })
    // (the slow request given up in the run before is logged by the replica when its delay ends, unanswered: status 0)
    expect(detailRequests().filter((request) => request.status !== 0).map((request) => request.path).sort()).toEqual([failing, slow].sort())
    expect(retried.changes).toBe(0)
    expect(retried.diffs.flatMap((diff) => diff.health)).toEqual([])
  }, 240_000)

  it('reads robots.txt once a run and paces the entries\' pages with the listing\'s requests: one politeness state a run', async () => {
    replica().resetRequests()
    replica().setStep(0)
    const settings = { ...replicaCrawlSettings(replica(), { perHostDelaySeconds: 0.2 }), detailPagesPerRun: 3 }
    const summary = await runPipeline(deps(), [DOCUMENTS], settings, { removeAfter: 2 })
    expect(summary.details.asked).toBe(3)
    // (an earlier test's slow request, given up, is logged when its delay ends, unanswered: status 0)
    const served = replica().requests().filter((request) => request.status !== 0).sort((a, b) => a.at - b.at)
    expect(served.filter((request) => request.path === '/robots.txt')).toHaveLength(1)
    // every request of the run, listing pages and entry pages alike, paced by the one limiter: the delay holds
    // between their starts, which arrive here within a loaded machine's jitter of it
    const gaps = served.slice(1).map((request, index) => request.at - (served[index]?.at ?? 0))
    expect(gaps.filter((gap) => gap < 100)).toEqual([])
  }, 240_000)

  it('follows a redirect from an old slug to the page it moved to, and records where it landed', async () => {
    replica().setStep(2)
    const crawl = await crawlJob(deps(), [SOCIAL], replicaCrawlSettings(replica()))
    replica().setStep(3)
    const details = await fetchDetailsOfRun(deps(), crawl.runId, [SOCIAL], { ...replicaCrawlSettings(replica()), detailPagesPerRun: 100 })
    expect(details.outcomes).toMatchObject({ read: details.asked, gone: 0, failed: 0 })
    const moved = await db().selectFrom('detail_fetch').select(['url', 'final_url', 'status']).where('url', 'like', '%WSPO-BCKM2P').executeTakeFirstOrThrow()
    expect(moved.url).toContain('/Cities-in-action-Vilnius-tech-park-WSPO-BCKM2P')
    expect(moved.final_url).toBe('http://www.eurocities.eu/eurocities/allcontent/Vilnius-Tech-Park-a-hospital-reborn-WSPO-BCKM2P')
    expect(replica().requests().some((request) => request.status === 301 && request.path.endsWith('Vilnius-tech-park-WSPO-BCKM2P'))).toBe(true)
    // the version's own fields are the listing's: nothing changed before the diff sees the next crawl
    expect((await diffPending(deps(), { removeAfter: 2 })).flatMap((diff) => diff.events).filter((event) => !event.baseline)).toEqual([])
  }, 240_000)

  it('reports a WordPress post whose slug changed as moved, by the post id of its page, where the listing alone sees removed + new', async () => {
    const [reslugged] = (currentTimeline[3]?.changes ?? []).filter((change) => change.kind === 'retitle' && !change.key.includes('culture'))
    const oldUrl = 'https://eurocities.eu/latest/why-cities-need-their-own-climate-budgets/'
    expect(reslugged?.key).toBe('https://eurocities.eu/latest/cities-need-climate-budgets-of-their-own/')
    for (const step of [0, 1, 2]) await run([LATEST], step, 100)
    const retitled = await run([LATEST], 3, 100)
    expect(retitled.details.moved).toBe(1)
    expect(eventsOf(retitled)).toEqual([`changed https://eurocities.eu/latest/culture-capitals-share-their-legacy/`, `moved ${reslugged?.key}`])
    const moved = retitled.diffs.flatMap((diff) => diff.events).find((event) => event.kind === 'moved')
    expect(moved?.changes.map((change) => [change.field, change.before, change.after])).toEqual([
      ['url', oldUrl, reslugged?.key],
      ['title', 'Why cities need their own climate budgets', 'Cities need climate budgets of their own'],
    ])
    for (let again = 0; again < 2; again += 1) expect(eventsOf(await run([LATEST], 3, 100))).toEqual([])
    const entries = await db().selectFrom('entry').select('entry_key').where('entry_key', 'in', [oldUrl, reslugged?.key ?? '']).execute()
    expect(entries).toEqual([{ entry_key: reslugged?.key }])
    const detail = await db().selectFrom('entry_detail').select(['post_id', 'author', 'tags']).where('post_id', '=', '9106').execute()
    expect(detail.length).toBeGreaterThanOrEqual(2)
    expect(detail[0]).toMatchObject({ author: 'Julie Bosschaert', tags: ['citizens', 'urban agenda'] })
  }, 240_000)

  it.each(['twenty-twenty-four', 'astra'] as const)('reports a slug change as moved when the posts are shown in the %s theme: no shortlink, no block the profile reads', async (theme) => {
    const oldUrl = 'https://eurocities.eu/latest/why-cities-need-their-own-climate-budgets/'
    const newUrl = 'https://eurocities.eu/latest/cities-need-climate-budgets-of-their-own/'
    replica().setTheme(theme)
    try {
      const baseline = await run([LATEST], 2, 100)
      expect(baseline.details).toMatchObject({ asked: 48, outcomes: { 'no-block': 48 } })
      const health = baseline.diffs.flatMap((diff) => diff.health)
      expect(health).toEqual([expect.objectContaining({ problem: 'detail-layout', message: expect.stringContaining('48 entry pages without the block the profile reads') })])
      const retitled = await run([LATEST], 3, 100)
      expect(retitled.details.moved).toBe(1)
      expect(eventsOf(retitled)).toEqual([`changed https://eurocities.eu/latest/culture-capitals-share-their-legacy/`, `moved ${newUrl}`])
      for (let again = 0; again < 2; again += 1) expect(eventsOf(await run([LATEST], 3, 100))).toEqual([])
      const entries = await db().selectFrom('entry').select('entry_key').where('entry_key', 'in', [oldUrl, newUrl]).execute()
      expect(entries).toEqual([{ entry_key: newUrl }])
      expect(await db().selectFrom('entry_detail').select(['post_id', 'text']).where('post_id', '=', '9106').execute()).toEqual([
        { post_id: '9106', text: null },
        { post_id: '9106', text: null },
      ])
    } finally {
      replica().setTheme('eurocities')
    }
  }, 240_000)

  it('without detail pages the same slug change is a move all the same: the old URL redirects to the new one, as WordPress does', async () => {
    for (const step of [0, 1, 2]) await run([LATEST], step, 0)
    const key = 'https://eurocities.eu/latest/cities-need-climate-budgets-of-their-own/'
    expect(eventsOf(await run([LATEST], 3, 0))).toEqual([`changed https://eurocities.eu/latest/culture-capitals-share-their-legacy/`, `moved ${key}`])
    for (let again = 0; again < 2; again += 1) expect(eventsOf(await run([LATEST], 3, 0))).toEqual([])
  }, 240_000)
})
