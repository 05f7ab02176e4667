import { describe, expect, it } from 'vitest'
import { createSelectorsProfile } from '../../parsers/selectors.ts'
import { parseSelectorsConfig } from '../../parsers/selectors-config.ts'
import type { ParsedEntry } from '../../domain/entry.ts'
import { LayoutError } from '../../domain/errors.ts'
import { networkListingPaths, networkTimeline, urbanNetSelectors, type Replica } from '../../replica/index.ts'
import { getText, replica } from './support.ts'

const profile = createSelectorsProfile(parseSelectorsConfig(urbanNetSelectors))
const keysOf = (kind: string, step: number) => (networkTimeline[step]?.changes ?? []).filter((c) => c.kind === kind).map((c) => c.key)

/** The selectors profile over every page, fetched from the replica origin. */
async function crawl(r: Replica): Promise<{ paths: string[]; entries: ParsedEntry[] }> {
  const paths: string[] = []
  const entries: ParsedEntry[] = []
  let url: string | null = r.origin + (networkListingPaths()[0] ?? '')
  while (url !== null) {
    const { status, text } = await getText(r, url.slice(r.origin.length))
    expect(status).toBe(200)
    const page = profile.parseListing(text, url)
    paths.push(url.slice(r.origin.length))
    entries.push(...page.entries)
    url = page.nextPage
  }
  return { paths, entries }
}

describe('third network replica (selectors profile)', () => {
  it('accepts the example configuration', () => {
    expect(parseSelectorsConfig(urbanNetSelectors)).toMatchObject({ id: 'urban-net', render: 'http', timeZone: 'Europe/Brussels' })
    expect(networkListingPaths()).toEqual(['/urban-net/news/'])
  })

  it('parses every page with urbanNetSelectors, keys absolute and independent of the port', async () => {
    const r = await replica()
    const { paths, entries } = await crawl(r)
    expect(paths).toEqual(['/urban-net/news/', '/urban-net/news/page/2/', '/urban-net/news/page/3/'])
    expect(entries).toHaveLength(14)
    expect(new Set(entries.map((e) => e.key)).size).toBe(14)
    for (const e of entries) expect(e.key).toMatch(/^https:\/\/www\.urban-net\.example\/urban-net\/(news|events)\/2026\/[a-z0-9-]+\?id=\d+$/)
    expect(entries[0]).toMatchObject({ title: 'General assembly', type: null, themes: [], summary: null, date: '2026-06-10' })
    // 22:30 UTC on 26 May is 27 May in Brussels: the configuration's time zone decides.
    expect(entries.find((e) => e.key.includes('night-buses'))?.date).toBe('2026-05-27')
    expect(entries.some((e) => e.themes.length > 1 && e.type !== null && e.summary !== null)).toBe(true)
    const details = await Promise.all(entries.slice(0, 3).map((e) => getText(r, new URL(e.key).pathname + new URL(e.key).search)))
    expect(details.map((d) => d.status)).toEqual([200, 200, 200])
  })

  it('shows each timeline step', async () => {
    const r = await replica()
    const before = new Map((await crawl(r)).entries.map((e) => [e.key, e]))
    r.setStep(1)
    const step1 = await crawl(r)
    expect(step1.entries[0]?.key).toBe(keysOf('publish', 1)[0])
    r.setStep(3)
    const [edited = ''] = keysOf('retitle', 3)
    const step3 = new Map((await crawl(r)).entries.map((e) => [e.key, e]))
    expect(step3.get(edited)?.title).toBe(`${before.get(edited)?.title}: an update`)
    r.setStep(4)
    const [removed = ''] = keysOf('remove', 4)
    const step4 = await crawl(r)
    expect(step4.entries.map((e) => e.key)).not.toContain(removed)
    expect(step4.entries).toHaveLength(14)
  })

  it('applies the fault modes to its listing pages', async () => {
    const r = await replica({ faults: [{ kind: 'layout-drift', match: '/urban-net/news/page/2/' }, { kind: 'rate-limit', retryAfterSeconds: 3, match: '/urban-net/news/page/3/' }] })
    const { text } = await getText(r, '/urban-net/news/page/2/')
    expect(() => profile.parseListing(text, `${r.origin}/urban-net/news/page/2/`)).toThrow(LayoutError)
    const limited = await getText(r, '/urban-net/news/page/3/')
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '3'])
  })

  it('serves the same bytes from two replicas', async () => {
    const [a, b] = [await replica({ step: 4 }), await replica({ step: 4 })]
    for (const path of ['/urban-net/news/', '/urban-net/news/page/2/']) expect((await getText(a, path)).text).toBe((await getText(b, path)).text)
  })
})
