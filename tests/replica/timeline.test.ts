import { describe, expect, it } from 'vitest'
import { legacyTimeline } from '../../replica/index.ts'
import { entryIds, getText, itemOf, replica } from './support.ts'

const SOCIAL = '/eurocities/issues/social-innovation-issue'
const SOCIAL_2 = `${SOCIAL}&newsstart=11&newscount=10&contentURL=social-innovation-issue`
const DOCUMENTS = '/eurocities/documents&sector=social-affairs'
const VILNIUS_OLD = '/eurocities/allcontent/Cities-in-action-Vilnius-tech-park-WSPO-BCKM2P'
const VILNIUS_NEW = '/eurocities/allcontent/Vilnius-Tech-Park-a-hospital-reborn-WSPO-BCKM2P'

function changesOf(step: number, kind: string): string[] {
  return (legacyTimeline[step]?.changes ?? []).filter((c) => c.kind === kind).map((c) => c.key)
}

/** Every entry of a listing at the replica's current step. */
async function allIds(r: Awaited<ReturnType<typeof replica>>, path: string): Promise<string[]> {
  const ids: string[] = []
  for (let start = 1; ; start += 10) {
    const page = await getText(r, start === 1 ? path : `${path}&newsstart=${start}&newscount=10&contentURL=x`)
    if (page.status === 404) return ids
    ids.push(...entryIds(page.text))
  }
}

describe('legacy timeline', () => {
  it('documents five cumulative steps as data', () => {
    expect(legacyTimeline.map((s) => s.step)).toEqual([0, 1, 2, 3, 4])
    expect(legacyTimeline[0]?.changes).toEqual([])
    for (const s of legacyTimeline.slice(1)) {
      expect(s.changes.length).toBeGreaterThan(0)
      for (const c of s.changes) expect(c.listings).toContain(SOCIAL)
    }
  })

  it('step 1 publishes at the top and pushes entries to page 2', async () => {
    const r = await replica({ step: 1 })
    const page1 = entryIds((await getText(r, SOCIAL)).text)
    expect(page1.slice(0, 3).sort()).toEqual(changesOf(1, 'publish').sort())
    expect(page1).not.toContain('WSPO-BBZL5E')
    expect(entryIds((await getText(r, SOCIAL_2)).text).slice(0, 3)).toEqual(['WSPO-BCKM2P', 'WSPO-BBZL7H', 'WSPO-BBZL5E'])
    const documents = legacyTimeline[1]?.changes.filter((c) => c.listings.includes(DOCUMENTS)).map((c) => c.key)
    expect(documents).toEqual(['WSPO-BH4N2R'])
    expect(entryIds((await getText(r, DOCUMENTS)).text)[0]).toBe('WSPO-BH4N2R')
  })

  it('step 2 edits a summary, re-tags, and makes cosmetic-only edits', async () => {
    const r = await replica({ step: 1 })
    const before = (await getText(r, SOCIAL_2)).text
    const beforeP1 = (await getText(r, SOCIAL)).text
    r.setStep(2)
    const p1 = (await getText(r, SOCIAL)).text
    const p2 = (await getText(r, SOCIAL_2)).text
    expect(itemOf(p1, 'WSPO-BGYT8M')).toContain('now twelve mediators strong')
    expect(itemOf(p1, 'WSPO-BGYT6F')).toContain('<li>&bull;&nbsp;cooperation</li><li>&bull;&nbsp;culture</li>')
    expect(itemOf(beforeP1, 'WSPO-BGYTC2')).toContain('tomorrow&rsquo;s')
    expect(itemOf(p1, 'WSPO-BGYTC2')).toContain('tomorrow&#8217;s')
    expect(itemOf(p1, 'WSPO-BGYTC2')).toContain('community&nbsp;engagement')
    expect(itemOf(before, 'WSPO-BBZL7H')).toContain('cooperation</li><li>&bull;&nbsp;culture')
    expect(itemOf(p2, 'WSPO-BBZL7H')).toContain('culture</li><li>&bull;&nbsp;cooperation')
    expect(changesOf(2, 'cosmetic').sort()).toEqual(['WSPO-BBZL7H', 'WSPO-BGYTC2'])
  })

  it('step 3 retitles with a new slug and the same id; the old URL redirects', async () => {
    const r = await replica({ step: 3 })
    const p2 = (await getText(r, SOCIAL_2)).text
    expect(p2).toContain(`<a href="${VILNIUS_NEW}">Vilnius Tech Park: a hospital reborn</a>`)
    const old = await getText(r, VILNIUS_OLD)
    expect(old.status).toBe(301)
    expect(old.headers.get('location')).toBe(VILNIUS_NEW)
    expect((await getText(r, VILNIUS_NEW)).status).toBe(200)
    expect(changesOf(3, 'retitle')).toEqual(['WSPO-BCKM2P'])
  })

  it('step 4 removes an entry from every listing it was in', async () => {
    const [removed] = changesOf(4, 'remove')
    const change = legacyTimeline[4]?.changes[0]
    expect(change?.listings.sort()).toEqual([DOCUMENTS, SOCIAL].sort())
    const r = await replica({ step: 3 })
    expect(entryIds((await getText(r, SOCIAL_2)).text)).toContain(removed)
    expect(await allIds(r, DOCUMENTS)).toContain(removed)
    r.setStep(4)
    expect(await allIds(r, SOCIAL)).not.toContain(removed)
    expect(await allIds(r, DOCUMENTS)).not.toContain(removed)
    expect(await allIds(r, SOCIAL)).toHaveLength(29)
  })

  it('keeps the removed entry on page 2 at every earlier step', async () => {
    const [removed] = changesOf(4, 'remove')
    for (const step of [0, 1, 2, 3]) {
      const r = await replica({ step })
      expect(entryIds((await getText(r, SOCIAL_2)).text), `step ${step}`).toContain(removed)
    }
  })

  it('rejects a step outside the timeline', async () => {
    const r = await replica()
    expect(() => r.setStep(5)).toThrow(RangeError)
    expect(r.step).toBe(0)
  })
})
