import { load } from 'cheerio'
import { describe, expect, it } from 'vitest'
import { renderFeed } from '../../src/reports/feed.ts'
import { buildReport } from '../../domain/change-report.ts'
import { AT, event, run2, sampleReport, snapshot } from './events.ts'

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
    expect(changed).toContain('title: Old entry 3 -&gt; Entry 3<br/>themes: +mobility -economy')
  })

  it.each(['rss', 'atom'] as const)('embeds what the site wrote as text in %s, which readers take as HTML', (format) => {
    const hostile = snapshot(9, { title: 'Cities <script>alert(1)</script> & "friends" ]]> end', summary: 'a < b && c > d' })
    const $ = load(renderFeed(buildReport([event(9, 'new', hostile)], [], [run2], { runIds: [2] }, AT), format), { xml: true })
    const title = $(format === 'rss' ? 'rss > channel > item > title' : 'feed > entry > title')
    const summary = $(format === 'rss' ? 'rss > channel > item > description' : 'feed > entry > summary')
    expect(title.children()).toHaveLength(0)
    // what a reader shows after reading the HTML: the words, and no element
    const shown = load(title.text())
    expect(shown('script')).toHaveLength(0)
    expect(shown.root().text()).toBe('New: Cities <script>alert(1)</script> & "friends" ]]> end')
    expect(load(summary.text()).root().text()).toContain('a < b && c > d')
  })

  it('writes a JSON Feed: plain-text titles, HTML bodies with the text of the site escaped', () => {
    const hostile = snapshot(9, { title: 'Cities <b>bold</b> & co', summary: '<img src=x onerror=alert(1)>' })
    const report = buildReport([...sampleReport().groups.flatMap((g) => g.kinds.flatMap((k) => k.events)), event(9, 'new', hostile)], [], [run2], { runIds: [2] }, AT)
    const feed = JSON.parse(renderFeed(report, 'jsonfeed')) as { version: string; items: { id: string; url: string; title: string; content_html: string }[] }
    expect(feed.version).toBe('https://jsonfeed.org/version/1')
    expect(feed.items).toHaveLength(5)
    expect(feed.items[0]).toMatchObject({ id: 'urn:eurowatch:change:2:WSPO-000001:new', title: 'New: Entry 1' })
    const item = feed.items.find((i) => i.id.includes('WSPO-000009'))
    expect(item?.title).toBe('New: Cities <b>bold</b> & co')
    expect(load(item?.content_html ?? '')('img')).toHaveLength(0)
    expect(item?.content_html).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })
})
