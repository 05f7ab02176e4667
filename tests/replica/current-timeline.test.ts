import { describe, expect, it } from 'vitest'
import { eurocities } from '../../parsers/eurocities.ts'
import { currentTimeline, topicFragmentPath } from '../../replica/index.ts'
import { getText, replica } from './support.ts'
import { CANONICAL, crawlListing, parsePage } from './current-support.ts'

const keysOf = (kind: string, step: number) => (currentTimeline[step]?.changes ?? []).filter((c) => c.kind === kind).map((c) => c.key)

async function fragmentKeys(r: Awaited<ReturnType<typeof replica>>, slug: string, page: number): Promise<string[]> {
  const { text } = await getText(r, topicFragmentPath(slug, page))
  return eurocities.parseListing(text, CANONICAL + topicFragmentPath(slug, page)).entries.map((e) => e.key)
}

describe('current site timeline', () => {
  it('documents five cumulative steps as data, keyed by canonical post URL', () => {
    expect(currentTimeline.map((s) => s.step)).toEqual([0, 1, 2, 3, 4])
    expect(currentTimeline[0]?.changes).toEqual([])
    for (const s of currentTimeline.slice(1)) {
      for (const c of s.changes) {
        expect(c.key).toMatch(/^https:\/\/eurocities\.eu\/latest\/[a-z0-9-]+\/$/)
        expect(c.listings).toContain('/latest/')
      }
    }
  })

  it('step 1 publishes three posts at the top of /latest/ and pushes two off page 1 of mobility', async () => {
    const r = await replica()
    const before = (await parsePage(r, '/latest/')).page.entries.map((e) => e.key)
    const mobilityBefore = await fragmentKeys(r, 'mobility', 1)
    r.setStep(1)
    const after = (await parsePage(r, '/latest/')).page.entries.map((e) => e.key)
    expect(after.slice(0, 3).sort()).toEqual(keysOf('publish', 1).sort())
    expect(after.slice(3)).toEqual(before.slice(0, 7))
    expect((await parsePage(r, '/latest/page/2/')).page.entries[0]?.key).toBe(before[7])
    const dropped = (currentTimeline[1]?.droppedOffPage1 ?? []).filter((d) => d.listing === '/topics/mobility/').map((d) => d.key)
    expect(dropped).toHaveLength(2)
    expect(mobilityBefore.slice(-2)).toEqual(dropped)
    expect(await fragmentKeys(r, 'mobility', 1)).not.toContain(dropped[0])
    expect((await fragmentKeys(r, 'mobility', 2)).slice(0, 2)).toEqual(dropped)
  })

  it('step 2 edits a summary, re-tags a post, and makes cosmetic-only edits', async () => {
    const r = await replica({ step: 1 })
    const read = async () => new Map((await crawlListing(r, '/latest/')).entries.map((e) => [e.key, e]))
    const html1 = (await getText(r, '/latest/')).text
    const before = await read()
    const cultureBefore = await fragmentKeys(r, 'culture', 1)
    r.setStep(2)
    const after = await read()
    const [edited = ''] = keysOf('edit-summary', 2)
    expect(after.get(edited)?.summary).not.toBe(before.get(edited)?.summary)
    const [retagged = ''] = keysOf('retag', 2)
    expect(cultureBefore).toContain(retagged)
    expect(await fragmentKeys(r, 'culture', 1)).not.toContain(retagged)
    expect(await fragmentKeys(r, 'digital', 1)).toContain(retagged)
    // Cosmetic: the bytes change, the parsed entries do not.
    const html2 = (await getText(r, '/latest/')).text
    expect(html1).toContain('cities&rsquo; housing')
    expect(html2).toContain('cities&#8217; housing companies learned   from twenty&nbsp;years')
    expect(html2).toContain('<span class="meta-cat">Publications</span><span class="meta-cat">Policy papers</span>')
    for (const key of keysOf('cosmetic', 2)) expect(after.get(key)).toEqual(before.get(key))
    expect(keysOf('cosmetic', 2)).toHaveLength(2)
  })

  it('step 3 retitles a post and keeps its slug', async () => {
    const r = await replica({ step: 2 })
    const [key = ''] = keysOf('retitle', 3)
    const titleOf = async () => (await crawlListing(r, '/latest/')).entries.find((e) => e.key === key)?.title
    expect(await titleOf()).toBe('Culture capitals share their legacy')
    r.setStep(3)
    expect(await titleOf()).toBe('European capitals of culture: what stays')
    expect((await getText(r, key.slice(CANONICAL.length))).text).toContain('European capitals of culture: what stays')
  })

  it('step 3 also retitles a post with a new slug: a new URL and key, the same post id, the old URL redirecting to the new', async () => {
    const r = await replica({ step: 2 })
    const oldPath = '/latest/why-cities-need-their-own-climate-budgets/'
    const newPath = '/latest/cities-need-climate-budgets-of-their-own/'
    const [, reslugged] = keysOf('retitle', 3)
    expect(reslugged).toBe(CANONICAL + newPath)
    const shortlink = '<link rel="shortlink" href="https://eurocities.eu/?p=9106">'
    expect((await getText(r, oldPath)).text).toContain(shortlink)
    expect((await getText(r, newPath)).status).toBe(404)
    r.setStep(3)
    const keys = (await crawlListing(r, '/latest/')).entries.map((e) => e.key)
    expect(keys).toContain(CANONICAL + newPath)
    expect(keys).not.toContain(CANONICAL + oldPath)
    const moved = await getText(r, oldPath, { redirect: 'manual' })
    expect([moved.status, moved.headers.get('location')]).toEqual([301, newPath])
    const page = (await getText(r, newPath)).text
    expect(page).toContain(shortlink)
    expect(page).toContain('<h1 class="story-title">Cities need climate budgets of their own</h1>')
  })

  it('step 4 removes a post from every listing and its detail page', async () => {
    const r = await replica({ step: 3 })
    const [key = ''] = keysOf('remove', 4)
    expect((await parsePage(r, '/latest/page/2/')).page.entries.map((e) => e.key)).toContain(key)
    r.setStep(4)
    for (const path of currentTimeline[4]?.changes[0]?.listings ?? []) {
      const keys = path.startsWith('/topics/')
        ? [...(await fragmentKeys(r, path.split('/')[2] ?? '', 1)), ...(await fragmentKeys(r, path.split('/')[2] ?? '', 2))]
        : (await crawlListing(r, path)).entries.map((e) => e.key)
      expect(keys).not.toContain(key)
    }
    expect((await getText(r, key.slice(CANONICAL.length))).status).toBe(404)
  })
})

describe('current site faults', () => {
  it('layout-drift on a post\'s own page serves it without .entry-content', async () => {
    const path = '/latest/bike-lanes-that-stay/'
    const r = await replica({ faults: [{ kind: 'layout-drift', match: path }] })
    const { status, text } = await getText(r, path)
    expect(status).toBe(200)
    expect(text).toContain('<link rel="shortlink" href="https://eurocities.eu/?p=9102">')
    expect(text).not.toContain('entry-content')
    r.setFaults([])
    expect((await getText(r, path)).text).toContain('<div class="entry-content"><p class="lead">Pop-up bike lanes')
  })

  it('layout-drift serves a page without ul.other-story-list', async () => {
    const r = await replica({ faults: [{ kind: 'layout-drift', match: '/latest_categories/news/' }] })
    const { text } = await getText(r, '/latest_categories/news/')
    expect(text).not.toContain('other-story-list')
    expect(() => eurocities.parseListing(text, `${CANONICAL}/latest_categories/news/`)).toThrow(/no cards at ul\.other-story-list > li/)
    await parsePage(r, '/latest/')
  })

  it('hits topic pages and the fragment endpoint by default, like every listing', async () => {
    const r = await replica({ faults: [{ kind: 'status', status: 503 }] })
    for (const path of ['/latest/', '/latest_categories/events/', '/topics/climate/', topicFragmentPath('climate', 1)]) expect((await getText(r, path)).status).toBe(503)
    expect((await getText(r, '/feed/')).status).toBe(200)
    r.setFaults([{ kind: 'layout-drift', match: '/topics/' }])
    expect((await getText(r, '/topics/climate/')).text).not.toContain('other-story-list')
  })

  it('truncates before the fourth card and fails the first K requests', async () => {
    const r = await replica({ faults: [{ kind: 'truncate', match: '/latest/page/2/' }, { kind: 'status', status: 500, match: '/latest_categories/opinion/', times: 1 }] })
    await expect(getText(r, '/latest/page/2/')).rejects.toThrow()
    const cut = r.requests().find((q) => q.path === '/latest/page/2/')
    expect(cut?.bytes).toBeGreaterThan(0)
    expect((await getText(r, '/latest_categories/opinion/')).status).toBe(500)
    expect((await getText(r, '/latest_categories/opinion/')).status).toBe(200)
  })
})
