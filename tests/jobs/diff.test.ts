// The diff job end to end: the replica over HTTP, the real crawl job, the legacy timeline step by step.
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { crawlJob, type CrawlSource } from '../../jobs/crawl.ts'
import { diffPending, diffRun, type DiffSummary } from '../../jobs/diff.ts'
import { eurocitiesLegacy } from '../../parsers/eurocities-legacy.ts'
import { legacySources } from '../../src/config/defaults.ts'
import type { Fault } from '../../replica/index.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { timelineChanges } from '../support/timeline-changes.ts'
import { replicaCrawlSettings, useReplica } from '../support/replica.ts'

const silent = pino({ level: 'silent' })
const sources: CrawlSource[] = legacySources.map((s) => ({ name: s.name, profile: eurocitiesLegacy, url: s.url, maxPages: 50, render: 'http', theme: null }))
/** The events a step should produce on the crawled listings, as sorted "kind key" strings. */
const expectedAt = (...steps: number[]) => timelineChanges(sources, ...steps)
const reported = (s: DiffSummary) => s.events.map((ev) => `${ev.kind} ${ev.entry.key}`).sort()

const replica = useReplica()

const settings = () => replicaCrawlSettings(replica())

describe.each(backends)('diff job over the replica on %s', (backend) => {
  const db = useTestDatabase(backend)
  const deps = () => ({ db: db(), now: () => new Date(), log: silent })

  async function runAt(step: number, faults: Fault[] = [], removeAfter = 2) {
    replica().setStep(step)
    replica().setFaults(faults)
    try {
      const crawl = await crawlJob(deps(), sources, settings())
      return { crawl, diff: await diffRun(deps(), crawl.runId, { removeAfter }) }
    } finally {
      replica().setFaults([])
    }
  }

  it('reports exactly the timeline changes at each step, nothing more', async () => {
    const first = await runAt(0)
    expect(first.crawl.status).toBe('complete')
    expect(first.diff.counts.new).toBe(first.crawl.newEntries)
    expect(first.diff.events.every((ev) => ev.kind === 'new')).toBe(true)
    expect(reported((await runAt(0)).diff)).toEqual([])

    const published = await runAt(1)
    expect(expectedAt(1)).toHaveLength(3)
    expect(reported(published.diff)).toEqual(expectedAt(1))

    const edited = await runAt(2)
    expect(reported(edited.diff)).toEqual(expectedAt(2))
    expect(reported(edited.diff)).toEqual(['changed WSPO-BGYT6F', 'changed WSPO-BGYT8M'])
    const retag = edited.diff.events.find((ev) => ev.entry.key === 'WSPO-BGYT6F')
    expect(retag?.changes).toEqual([expect.objectContaining({ field: 'themes', added: ['cooperation'], removed: [] })])
    const munich = edited.diff.events.find((ev) => ev.entry.key === 'WSPO-BGYT8M')
    expect(munich?.changes.map((c) => c.field)).toEqual(['summary'])
    expect(String(munich?.changes[0]?.after)).toContain('now twelve mediators strong')

    const retitled = await runAt(3)
    expect(reported(retitled.diff)).toEqual(['moved WSPO-BCKM2P'])
    expect(retitled.diff.events[0]?.changes.map((c) => c.field).sort()).toEqual(['title', 'url'])
    expect(retitled.diff.events[0]?.entry.title).toBe('Vilnius Tech Park: a hospital reborn')

    expect(reported((await runAt(4)).diff)).toEqual([])
    const removal = await runAt(4)
    expect(reported(removal.diff)).toEqual(expectedAt(4))
    expect(removal.diff.counts.removed).toBe(1)
  }, 180_000)

  it('removes nothing after a layout drift; the next healthy run reports only the real changes', async () => {
    await runAt(0)
    await runAt(0)
    // page 2 of social-innovation in a new markup: its ten entries are not seen in this run
    const drifted = await runAt(0, [{ kind: 'layout-drift', match: 'social-innovation-issue&newsstart=11' }], 1)
    expect(drifted.crawl.status).toBe('partial')
    expect(drifted.diff.events).toEqual([])
    const healthy = await runAt(2)
    expect(healthy.crawl.status).toBe('complete')
    expect(reported(healthy.diff)).toEqual(expectedAt(1, 2))
  }, 180_000)

  it('completes runs crawled but never diffed (a process killed in between), losing and doubling nothing', async () => {
    replica().setStep(0)
    await crawlJob(deps(), sources, settings())
    replica().setStep(1)
    await crawlJob(deps(), sources, settings())
    const [first, second, ...rest] = await diffPending(deps(), { removeAfter: 2 })
    expect(rest).toEqual([])
    expect(first?.events.every((ev) => ev.kind === 'new')).toBe(true)
    expect(second && reported(second)).toEqual(expectedAt(1))
    expect(await diffPending(deps(), { removeAfter: 2 })).toEqual([])
  }, 180_000)
})
