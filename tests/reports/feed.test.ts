import { load } from 'cheerio'
import { parseFeed } from 'feedsmith'
import { SaxesParser } from 'saxes'
import { describe, expect, it } from 'vitest'
import { renderFeed, type FeedFormat } from '../../src/reports/feed.ts'
import { buildReport } from '../../domain/change-report.ts'
import { AT, event, run2, sampleReport, snapshot } from './events.ts'

const FORMATS: FeedFormat[] = ['atom', 'rss', 'jsonfeed']

interface ReadItem {
  id: string | undefined
  link: string | undefined
}

/**
 * A feed as a reader gets it: Atom and RSS must be well-formed XML (saxes checks every character
 * against XML 1.0), and every format must read as itself with a real feed parser (feedsmith).
 * Every link in it must be an http(s) URL.
 */
function readFeed(text: string, format: FeedFormat): { link: string | undefined; items: ReadItem[] } {
  if (format !== 'jsonfeed') {
    const xml = new SaxesParser()
    xml.on('error', (error) => {
      throw error
    })
    xml.write(text).close()
  }
  const parsed = parseFeed(text)
  let read: { link: string | undefined; items: ReadItem[] }
  if (parsed.format === 'atom' && format === 'atom') {
    const entries = parsed.feed.entries ?? []
    read = {
      link: parsed.feed.links?.[0]?.href,
      items: entries.map((entry) => ({ id: entry.id, link: entry.links?.[0]?.href })),
    }
  } else if (parsed.format === 'rss' && format === 'rss') {
    read = {
      link: parsed.feed.link,
      items: (parsed.feed.items ?? []).map((item) => ({ id: item.guid?.value, link: item.link })),
    }
  } else if (parsed.format === 'json' && format === 'jsonfeed') {
    read = {
      link: parsed.feed.home_page_url,
      items: (parsed.feed.items ?? []).map((item) => ({ id: item.id, link: item.url })),
    }
  } else {
    throw new Error(`a ${format} feed read as ${parsed.format}`)
  }
  for (const link of [read.link, ...read.items.map((item) => item.link)]) {
    if (link !== undefined) expect(link).toMatch(/^https?:\/\/[^\s]+$/)
  }
  return read
}

describe('renderFeed', () => {
  it.each(FORMATS)('writes a %s feed a feed parser reads, one item per change, with a site link', (format) => {
    const feed = readFeed(renderFeed(sampleReport(), format), format)
    expect(feed.items.map((item) => item.id)).toEqual([
      'urn:eurowatch:change:2:WSPO-000001:new',
      'urn:eurowatch:change:2:WSPO-000002:new',
      'urn:eurowatch:change:2:WSPO-000003:changed',
      'urn:eurowatch:change:2:WSPO-000004:removed',
    ])
    if (format !== 'jsonfeed') expect(feed.link).toBe('http://www.eurocities.eu/')
    // an empty report still names a site, never "undefined"
    const empty = readFeed(renderFeed(buildReport([], [], [run2], { runIds: [2] }, AT), format), format)
    expect(empty.items).toEqual([])
    if (format !== 'jsonfeed') expect(empty.link).toMatch(/^https:\/\//)
  })

  it.each(FORMATS)('keeps control characters, bidi overrides and non-web links out of a %s feed', (format) => {
    const hostile = [
      event(7, 'new', snapshot(7, { title: 'Escape \u001b[31mred\u001b[0m and \u0007 bell', url: 'javascript:alert(document.domain)', themes: ['cul\u0000ture'] })),
      event(8, 'new', snapshot(8, { title: 'Reversed \u202Etxt.exe\u202C name', url: 'data:text/html,<script>alert(1)</script>', summary: 'A \u2066isolate\u2069 and \uFFFF.' })),
      event(9, 'new', snapshot(9, { title: 'Fine', url: 'file:///etc/passwd' })),
    ]
    const text = renderFeed(buildReport(hostile, [], [run2], { runIds: [2] }, AT), format)
    const feed = readFeed(text, format)
    expect(feed.items).toHaveLength(3)
    // no item links anywhere but the web: the listing of the entry stands in
    expect(feed.items.map((item) => item.link)).toEqual(Array(3).fill('http://www.eurocities.eu/eurocities/issues/social-innovation-issue'))
    expect(text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\uffff]/)
    expect(text).not.toContain('\\u001b')
    expect(text).not.toMatch(/href="(javascript|data|file):/)
    expect(text).toContain('Reversed txt.exe name')
  })

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
