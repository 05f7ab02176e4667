import { load } from 'cheerio'
import { describe, expect, it } from 'vitest'
import { renderFeed } from '../../src/reports/feed'
import { buildReport } from '../../src/reports/model'
import { AT, event, run2, sampleReport, snapshot } from './events'

describe('renderFeed', () => {
  it('gives one Atom entry per change, with a stable id, the link and the field changes', () => {
    const $ = load(renderFeed(sampleReport(), 'atom'), { xml: true })
    expect($('feed > id').text()).toBe('urn:eurowatch:changes')
    expect($('feed > updated').text()).toBe(AT.toISOString())
    const entries = $('feed > entry').toArray().map((entry) => ({
      id: $(entry).children('id').text(),
      title: $(entry).children('title').text(),
      link: $(entry).children('link').attr('href'),
    }))
    expect(entries).toEqual([
      { id: 'urn:eurowatch:change:2:WSPO-000001:new', title: 'New: Entry 1', link: 'http://www.eurocities.eu/eurocities/documents/Entry-1-WSPO-000001' },
      { id: 'urn:eurowatch:change:2:WSPO-000002:new', title: 'New: (no title)', link: 'http://www.eurocities.eu/eurocities/documents/Entry-2-WSPO-000002' },
      { id: 'urn:eurowatch:change:2:WSPO-000003:changed', title: 'Changed: Entry 3', link: 'http://www.eurocities.eu/eurocities/documents/Entry-3-WSPO-000003' },
      { id: 'urn:eurowatch:change:2:WSPO-000004:removed', title: 'Removed: Entry 4', link: 'http://www.eurocities.eu/eurocities/documents/Entry-4-WSPO-000004' },
    ])
    const changed = $('feed > entry').eq(2).children('summary').text()
    expect(changed).toContain('title: Old entry 3 -> Entry 3')
    expect(changed).toContain('themes: +mobility -economy')
  })

  it('embeds text as text, whatever it contains', () => {
    const hostile = snapshot(9, { title: 'Cities <script>alert(1)</script> & "friends" ]]> end', summary: 'a < b && c > d' })
    const $ = load(renderFeed(buildReport([event(9, 'new', hostile)], [], [run2], { runIds: [2] }, AT), 'rss'), { xml: true })
    const title = $('rss > channel > item > title')
    expect(title.children()).toHaveLength(0)
    expect(title.text()).toBe('New: Cities <script>alert(1)</script> & "friends" ]]> end')
    expect($('rss > channel > item > description').text()).toContain('a < b && c > d')
  })

  it('writes a JSON Feed', () => {
    const feed = JSON.parse(renderFeed(sampleReport(), 'jsonfeed')) as { version: string; items: { id: string; url: string; title: string }[] }
    expect(feed.version).toBe('https://jsonfeed.org/version/1')
    expect(feed.items.map((item) => item.id)).toHaveLength(4)
    expect(feed.items[0]).toMatchObject({ id: 'urn:eurowatch:change:2:WSPO-000001:new', title: 'New: Entry 1' })
  })
})
