import { readFileSync } from 'node:fs'
import { describe, it, expect } from 'vitest'
import { resolveProfile, profileIds } from '../../parsers/index.ts'
import { createSelectorsProfile } from '../../parsers/selectors.ts'
import { parseSelectorsConfig } from '../../parsers/selectors-config.ts'
import { LayoutError, UserError } from '../../domain/errors.ts'

const PAGE = 'https://www.urban-net.example/news/'
const thirdNetwork = readFileSync(new URL('../fixtures/selectors/third-network.html', import.meta.url), 'utf8')
// The configuration a user would write for the made-up network (also used by the contract test).
const CONFIG = {
  id: 'urban-net',
  entry: '.results > article.result',
  title: 'h3.result-title',
  date: 'time',
  dateAttribute: 'datetime',
  type: '.kind',
  themes: 'ul.tags > li',
  summary: 'p.teaser',
  nextPage: 'nav.pager a[rel=next]',
}

function thrown<E extends Error>(kind: new (...args: never[]) => E, run: () => unknown): E {
  try {
    run()
  } catch (error) {
    if (error instanceof kind) return error
    throw error
  }
  throw new Error(`expected a ${kind.name}`)
}

describe('selectors profile on a third network', () => {
  const profile = createSelectorsProfile(parseSelectorsConfig(CONFIG))
  const page = profile.parseListing(thirdNetwork, PAGE)

  it('reads every entry exactly, dates converted to the site’s day in Europe/Brussels', () => {
    expect([profile.id, profile.render]).toEqual(['urban-net', 'http'])
    expect(page.entries).toEqual([
      {
        key: 'https://www.urban-net.example/news/2026/green-roofs?id=412',
        url: 'https://www.urban-net.example/news/2026/green-roofs?id=412',
        title: 'Green roofs for every district',
        type: 'Press release',
        date: '2026-03-02',
        endDate: null,
        themes: ['Climate', 'Housing'],
        summary: 'Twelve member cities pool their green-roof subsidies...',
        summaryTruncated: true,
        documentType: null,
      },
      {
        key: 'https://www.urban-net.example/news/2026/night-buses?id=409',
        url: 'https://www.urban-net.example/news/2026/night-buses?id=409',
        title: 'Night buses return',
        type: 'News',
        date: '2026-02-27',
        endDate: null,
        themes: ['Mobility'],
        summary: 'Six cities restore their night networks.',
        summaryTruncated: false,
        documentType: null,
      },
      {
        key: 'https://www.urban-net.example/events/2026/assembly?id=415',
        url: 'https://www.urban-net.example/events/2026/assembly?id=415',
        title: 'General assembly',
        type: null,
        date: '2026-06-10',
        endDate: null,
        themes: [],
        summary: null,
        summaryTruncated: false,
        documentType: null,
      },
    ])
    expect(page.nextPage).toBe('https://www.urban-net.example/news/?page=2')
  })

  it('uses the site’s time zone from the configuration', () => {
    const utc = createSelectorsProfile(parseSelectorsConfig({ ...CONFIG, timeZone: 'UTC' }))
    expect(utc.parseListing(thirdNetwork, PAGE).entries[0]?.date).toBe('2026-03-01')
  })
})

const textDated = `<ul id="news">
  <li class="n"><a class="go" href="/n/1">Read</a><h4>First</h4><span class="d">02.03.2026</span></li>
  <li class="n"><h4><a href="/n/2">Second</a></h4><span class="d">28.02.2026</span></li>
</ul>`

describe('selectors profile options', () => {
  it('parses a dd.MM.yyyy text date and finds the link inside the title by default', () => {
    const profile = createSelectorsProfile(parseSelectorsConfig({ entry: 'li.n', title: 'h4', link: 'a.go, h4 > a', date: 'span.d', dateFormat: 'dd.MM.yyyy' }))
    const entries = profile.parseListing(textDated, 'https://net.example/news')
    expect(entries.entries.map((e) => [e.url, e.title, e.date])).toEqual([
      ['https://net.example/n/1', 'First', '2026-03-02'],
      ['https://net.example/n/2', 'Second', '2026-02-28'],
    ])
    const byTitle = createSelectorsProfile(parseSelectorsConfig({ entry: 'li.n:nth-child(2)', title: 'h4' }))
    expect(byTitle.parseListing(textDated, 'https://net.example/news').entries[0]?.url).toBe('https://net.example/n/2')
  })

  it('applies the defaults', () => {
    expect(parseSelectorsConfig({ entry: 'li', title: 'h4' })).toEqual({
      id: 'selectors',
      render: 'http',
      entry: 'li',
      title: 'h4',
      dateFormat: 'iso',
      dateLocale: 'en',
      timeZone: 'Europe/Brussels',
    })
  })

  it('is resolved through the profile index, which lists it', () => {
    expect(profileIds).toContain('selectors')
    expect(resolveProfile('selectors', parseSelectorsConfig({ ...CONFIG, render: 'browser' })).render).toBe('browser')
    expect(thrown(UserError, () => resolveProfile('selectors')).message).toBe('profile "selectors" needs a selectors configuration')
    expect(resolveProfile('eurocities').id).toBe('eurocities')
  })
})

describe('selectors misconfiguration', () => {
  it('names the entry selector that matched nothing, and the page', () => {
    const profile = createSelectorsProfile(parseSelectorsConfig({ ...CONFIG, entry: '.item' }))
    const error = thrown(LayoutError, () => profile.parseListing(thirdNetwork, PAGE))
    expect(error.message).toBe(`selector "entry" (".item") matched nothing (${PAGE})`)
    expect(error.pageUrl).toBe(PAGE)
  })

  it('names the date selector, the text and the format of a date that does not parse', () => {
    const profile = createSelectorsProfile(parseSelectorsConfig({ entry: 'li.n', title: 'h4', link: 'a', date: 'span.d', dateFormat: 'd LLLL yyyy' }))
    const error = thrown(LayoutError, () => profile.parseListing(textDated, 'https://net.example/news'))
    expect(error.message).toBe('entry 1: selector "date" ("span.d"): "02.03.2026" does not match the format "d LLLL yyyy" (https://net.example/news)')
  })

  it('refuses a hostile date text in linear time, whatever the format: fields side by side backtrack in luxon', () => {
    const profile = createSelectorsProfile(parseSelectorsConfig({ entry: 'li.n', title: 'h4', link: 'a', date: 'span.d', dateFormat: 'dy'.repeat(15) }))
    const digits = '1'.repeat(80)
    const hostile = `<ul><li class="n"><h4><a href="/a">A</a></h4><span class="d">${digits}x</span></li></ul>`
    const error = thrown(LayoutError, () => profile.parseListing(hostile, 'https://net.example/news'))
    expect(error.message).toBe(`entry 1: selector "date" ("span.d"): "${digits}x" does not match the format "${'dy'.repeat(15)}" (https://net.example/news)`)
    const dated = createSelectorsProfile(parseSelectorsConfig({ entry: 'li.n', title: 'h4', link: 'a', date: 'span.d', dateFormat: 'yyyyMMdd' }))
    expect(dated.parseListing(hostile.replace(`${digits}x`, '20260302'), 'https://net.example/news').entries[0]?.date).toBe('2026-03-02')
  })

  it('names the title selector that matched nothing in an entry', () => {
    const profile = createSelectorsProfile(parseSelectorsConfig({ ...CONFIG, title: 'h2' }))
    expect(thrown(LayoutError, () => profile.parseListing(thirdNetwork, PAGE)).message).toBe(
      `entry 1: selector "title" ("h2") matched nothing (${PAGE})`,
    )
  })

  it('rejects a configuration without entry, naming the key', () => {
    const error = thrown(UserError, () => parseSelectorsConfig({ title: 'h3' }))
    expect(error.message).toBe('invalid selectors configuration: entry: required: the CSS selector of the entry container')
  })

  it('lists every bad key: unknown keys, invalid selectors, zones and render modes', () => {
    const error = thrown(UserError, () =>
      parseSelectorsConfig({ entry: 'a[href', title: 'h3', titel: 'h2', timeZone: 'Mars/Olympus', render: 'js' }),
    )
    expect(error.message).toBe(
      'invalid selectors configuration: render: Invalid option: expected one of "http"|"browser"; ' +
        'entry: invalid CSS selector "a[href": Attribute selector didn\'t terminate; ' +
        'timeZone: not an IANA time zone (e.g. Europe/Brussels); (top level): Unrecognized key: "titel"',
    )
    expect(() => parseSelectorsConfig('entry: li')).toThrow(UserError)
    expect(() => parseSelectorsConfig({ entry: 'li', title: 'h4', dateAttribute: 'datetime' })).toThrow(/dateAttribute: needs "date"/)
  })
})
