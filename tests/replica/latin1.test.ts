import { load } from 'cheerio'
import { describe, expect, it } from 'vitest'
import { latin1Listing, type Replica } from '../../replica/index.ts'
import { decodePage } from '../../parsers/decode-page.ts'
import { eurocitiesLegacy } from '../../parsers/eurocities-legacy.ts'
import type { ParsedEntry } from '../../domain/entry.ts'
import { replica } from './support.ts'

const CANONICAL = 'http://www.eurocities.eu'
const listing = latin1Listing()

async function getBytes(r: Replica, canonicalUrl: string): Promise<{ status: number; contentType: string | null; body: Buffer }> {
  const res = await fetch(canonicalUrl.replace(CANONICAL, r.origin))
  return { status: res.status, contentType: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) }
}

describe('the ISO-8859-1 legacy listing', () => {
  it('is the migration & integration issue, with accented titles computed from the dataset', () => {
    expect(listing.url).toBe(`${CANONICAL}/eurocities/issues/migration-integration-issue`)
    expect(listing.pageUrls).toHaveLength(2)
    expect(listing.entries).toHaveLength(12)
    const titles = listing.entries.map((e) => e.title).join('\n')
    for (const text of ['Málaga & Kraków sign a “welcome city” pact', 'Łódź – a city of four cultures, again', 'Wrocław and Poznań', 'München’s']) {
      expect(titles).toContain(text)
    }
  })

  it('says iso-8859-1 in its header and its <meta>, and sends windows-1252 bytes', async () => {
    const r = await replica()
    const { status, contentType, body } = await getBytes(r, listing.url)
    expect(status).toBe(200)
    expect(contentType).toBe('text/html; charset=iso-8859-1')
    expect(contentType).toBe(listing.contentType)
    expect(body.includes('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1" />')).toBe(true)
    // á is the single byte 0xE1; – “ ” ’ are 0x96 0x93 0x94 0x92; nothing is UTF-8.
    expect(body.includes(Buffer.from([0x4d, 0xe1, 0x6c, 0x61, 0x67, 0x61]))).toBe(true)
    expect(body.includes(Buffer.from('Málaga', 'utf8'))).toBe(false)
    expect(body.includes(Buffer.from([0x93, ...Buffer.from('welcome city'), 0x94]))).toBe(true)
    expect(body.includes(Buffer.from([0x20, 0x96, 0x20]))).toBe(true)
    expect(body.includes(Buffer.from([0x4d, 0xfc, 0x6e, 0x63, 0x68, 0x65, 0x6e, 0x92, 0x73]))).toBe(true) // München’s
    // ł and Ł are not in windows-1252: numeric references.
    expect(body.includes('Wroc&#322;aw')).toBe(true)
    expect(body.includes('&#321;')).toBe(true)
  })

  it('decodes and parses to the expected entries on every page', async () => {
    const r = await replica()
    const entries: ParsedEntry[] = []
    let url: string | null = listing.url
    const visited: string[] = []
    while (url !== null) {
      visited.push(url)
      const { contentType, body } = await getBytes(r, url)
      const { html, charset } = decodePage(body, contentType)
      expect(charset).toBe('windows-1252')
      const page = eurocitiesLegacy.parseListing(html, url)
      entries.push(...page.entries)
      url = page.nextPage
    }
    expect(visited).toEqual(listing.pageUrls)
    expect(entries).toEqual(listing.entries)
  })

  it('decodes by its <meta> alone (a saved file), and only by the sniffing rules', async () => {
    const r = await replica()
    const { body } = await getBytes(r, listing.url)
    const first = listing.entries[0]
    const fromFile = eurocitiesLegacy.parseListing(decodePage(body, null).html, listing.url)
    expect(fromFile.entries[0]?.title).toBe(first?.title)
    // Read as UTF-8, as the crawler did before, the accents are lost.
    expect(eurocitiesLegacy.parseListing(body.toString('utf8'), listing.url).entries[0]?.title).not.toBe(first?.title)
  })

  it('keeps step after step the same (no timeline change touches it)', () => {
    expect(latin1Listing(4)).toEqual(listing)
  })

  it('serves a redesigned page (layout-drift) in ASCII, which reads the same in either charset', async () => {
    const r = await replica({ faults: [{ kind: 'layout-drift', match: 'migration-integration' }] })
    const { contentType, body } = await getBytes(r, listing.url)
    expect(body.every((b) => b < 0x80)).toBe(true)
    const $ = load(decodePage(body, contentType).html)
    expect($('.teaser__title').first().text()).toBe(listing.entries[0]?.title)
  })
})
