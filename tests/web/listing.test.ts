// The listing pages and their JSON through app.inject() over real crawls of the replica, on
// PGlite and PostgreSQL: as of a date, two dates compared, bad dates refused.
import { describe, expect, it } from 'vitest'
import { loadSnapshot, loadSnapshotPage } from '../../jobs/snapshot.ts'
import { toSnapshotJson } from '../../src/reports/snapshot.ts'
import { buildWebApp } from '../../src/web/app.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { useReplica } from '../support/replica.ts'
import { timelineChanges } from '../support/timeline-changes.ts'
import { afterRun, SOCIAL_INNOVATION, watchReplica } from '../support/watched-replica.ts'

const replica = useReplica()

describe.each(backends)('listing pages on %s', (backend) => {
  const db = useTestDatabase(backend)

  it('shows a listing as of a date and what changed between two dates, in the page and its JSON', async () => {
    await watchReplica(db(), replica(), [{ step: 0 }, { step: 0 }, { step: 1 }])
    const web = await buildWebApp({ db: db(), now: () => afterRun(3), secureCookies: false, sources: ['social-innovation'] })

    const listings = await web.inject({ method: 'GET', url: '/listings' })
    expect(listings.body).toContain('<a href="/listings/social-innovation">social-innovation</a>')
    const items = (await web.inject({ method: 'GET', url: '/api/v1/listings' })).json<{ items: { source: string; status: string }[]; next: null }>()
    expect(items).toEqual({ items: [expect.objectContaining({ source: 'social-innovation', status: 'complete' })], next: null })

    const asOf = await web.inject({ method: 'GET', url: `/listings/social-innovation?as-of=${afterRun(0).toISOString()}` })
    expect(asOf.statusCode).toBe(200)
    expect(asOf.body).toContain('<input type="date" name="as-of" value="2026-11-02">')
    expect(asOf.body).toContain('Last complete crawl then: run 1 ')
    expect(asOf.body).toContain('href="/entries/WSPO-BGYT8M"')

    const query = `compare=${afterRun(1).toISOString()}&with=${afterRun(2).toISOString()}`
    const compared = await web.inject({ method: 'GET', url: `/listings/social-innovation?${query}` })
    expect(compared.body).toContain('3 added, 0 removed, 0 changed')
    const json = (await web.inject({ method: 'GET', url: `/api/v1/listings/social-innovation?${query}` })).json<{ compare: { added: string[]; atLeast: Record<string, boolean> }; crawls: { runId: number; mode: string }[] }>()
    // every count far below its bound: exact
    expect(json.compare.atLeast).toEqual({ added: false, removed: false, changed: false, unchanged: false })
    expect(json.compare.added.map((key) => `new ${key}`).sort()).toEqual(timelineChanges([SOCIAL_INNOVATION], 1))
    expect(json.crawls.map((crawl) => [crawl.runId, crawl.mode])).toEqual([[3, 'full'], [2, 'full'], [1, 'full']])
    await web.close()
  })

  it('shows a listing a page of entries at a time, the pages together the whole listing in its order', async () => {
    await watchReplica(db(), replica(), [{ step: 0 }])
    const web = await buildWebApp({ db: db(), now: () => afterRun(1), secureCookies: false, sources: ['social-innovation'] })
    const asOf = afterRun(0).toISOString()
    const whole = await loadSnapshot(db(), { listing: 'social-innovation', asOf: afterRun(0), asOfText: asOf })
    const keys = whole.kind === 'snapshot' ? whole.snapshot.entries.map((entry) => entry.key) : []
    expect(keys.length).toBeGreaterThan(12)

    const shown: string[] = []
    let pages = 0
    for (let next: string | null = null; pages === 0 || next !== null; pages += 1) {
      const cursor: string = next === null ? '' : `&cursor=${next}`
      const json = (await web.inject({ method: 'GET', url: `/api/v1/listings/social-innovation?as-of=${asOf}&limit=5${cursor}` })).json<{ asOf: { snapshot: { entries: { key: string }[] } }; next: string | null }>()
      expect(json.asOf.snapshot.entries.length).toBeLessThanOrEqual(5)
      shown.push(...json.asOf.snapshot.entries.map((entry) => entry.key))
      next = json.next
    }
    expect([shown, pages]).toEqual([keys, Math.ceil(keys.length / 5)])
    // the snapshot whole, as `eurowatch snapshot --format json` gives it: its schema drops no field
    const firstPage = await loadSnapshotPage(db(), { listing: 'social-innovation', asOf: afterRun(0), asOfText: asOf }, { after: null, limit: 5 })
    const json = (await web.inject({ method: 'GET', url: `/api/v1/listings/social-innovation?as-of=${asOf}&limit=5` })).json<{ asOf: unknown }>()
    expect(json.asOf).toEqual(firstPage.result.kind === 'snapshot' ? { kind: 'snapshot', snapshot: toSnapshotJson(firstPage.result.snapshot) } : null)

    const page = await web.inject({ method: 'GET', url: `/listings/social-innovation?as-of=${asOf}&limit=5` })
    expect(page.body.match(/<td><a href="\/entries\//g)?.length).toBe(5)
    const nextLink = /<a href="([^"]+)" rel="next">Next entries<\/a>/.exec(page.body)?.[1]?.replaceAll('&amp;', '&')
    expect((await web.inject({ method: 'GET', url: `${nextLink}&limit=5` })).body).toContain(`href="/entries/${keys[5]}"`)
    expect((await web.inject({ method: 'GET', url: `/api/v1/listings/social-innovation?as-of=${asOf}&cursor=bm9wZQ` })).statusCode).toBe(400)
    await web.close()
  })

  it('refuses a date it cannot read, naming the parameter, and knows no listing it never crawled', async () => {
    const web = await buildWebApp({ db: db(), now: () => new Date(), secureCookies: false, sources: [] })
    const bad = await web.inject({ method: 'GET', url: '/api/v1/listings/social-innovation?as-of=yesterday' })
    expect([bad.statusCode, bad.json<{ message: string }>().message]).toEqual([400, 'as-of: "yesterday" is not a date (YYYY-MM-DD) or an ISO datetime'])
    expect((await web.inject({ method: 'GET', url: '/listings/social-innovation?compare=2026-11-01' })).statusCode).toBe(400)
    expect((await web.inject({ method: 'GET', url: '/listings/no-such' })).statusCode).toBe(404)
    expect((await web.inject({ method: 'GET', url: '/api/v1/listings/no-such' })).statusCode).toBe(404)
    await web.close()
  })
})
