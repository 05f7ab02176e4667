// The generic profile: any other network's listing pages, described by CSS selectors in the
// configuration instead of code. Misconfiguration must read as such: every error names the selector.
import { load, type Cheerio, type CheerioAPI } from 'cheerio'
import { DateTime } from 'luxon'
import type { ListingPage, ParsedEntry, SiteProfile } from '../domain/entry.ts'
import { LayoutError } from '../domain/errors.ts'
import { dateFormatReader } from './date-format.ts'
import type { SelectorsConfig } from './selectors-config.ts'
import { isTruncatedSummary, normalizeOptionalText, normalizeText, normalizeThemes } from '../domain/normalize.ts'

// Any node (user selectors may match text-bearing nodes of any kind), named without importing domhandler.
type FieldName = 'entry' | 'title' | 'link' | 'date' | 'nextPage'
type Selection = Cheerio<Parameters<CheerioAPI['contains']>[1]>

export function createSelectorsProfile(config: SelectorsConfig): SiteProfile {
  const dateReader = config.dateFormat === 'iso' ? null : dateFormatReader(config.dateFormat, config.dateLocale)
  const named = (field: FieldName, selector: string) => `selector "${field}" (${JSON.stringify(selector)})`
  return {
    id: config.id,
    render: config.render,
    themeSource: config.themes ? 'page' : 'listing',
    readySelector: config.entry,
    parseListing(html: string, pageUrl: string): ListingPage {
      const $ = load(html)
      const rows = $(config.entry).toArray()
      if (rows.length === 0) throw new LayoutError(`${named('entry', config.entry)} matched nothing`, pageUrl)
      return {
        entries: rows.map((row, index) => readEntry($, $(row), index + 1, pageUrl)),
        nextPage: readNextPage($, pageUrl),
      }
    },
  }

  function readEntry($: CheerioAPI, row: Selection, position: number, pageUrl: string): ParsedEntry {
    const fail = (what: string): never => {
      throw new LayoutError(`entry ${position}: ${what}`, pageUrl)
    }
    const title = row.find(config.title).first()
    if (title.length === 0) fail(`${named('title', config.title)} matched nothing`)
    const url = readLink(row, title, pageUrl, fail)
    const summary = config.summary === undefined ? null : normalizeOptionalText(row.find(config.summary).first().text())
    const types = config.type === undefined ? [] : allTexts($, row.find(config.type))
    return {
      key: url,
      url,
      title: normalizeOptionalText(title.text()),
      type: types.length === 0 ? null : types.join(', '),
      date: readDate(row, fail),
      endDate: null,
      themes: config.themes === undefined ? [] : allTexts($, row.find(config.themes)),
      summary,
      summaryTruncated: isTruncatedSummary(summary),
      documentType: null,
    }
  }

  // Key = canonical detail URL: absolute, without the fragment. The query stays: on many sites it is the id.
  function readLink(row: Selection, title: Selection, pageUrl: string, fail: (what: string) => never): string {
    const link = config.link === undefined ? titleLink(title) : row.find(config.link).first()
    const source = config.link === undefined ? `the link of ${named('title', config.title)}` : named('link', config.link)
    if (link.length === 0) fail(`${source} matched nothing`)
    const href = link.attr('href')?.trim() ?? ''
    if (href === '' || !URL.canParse(href, pageUrl)) fail(`${source} has no usable href ("${href}")`)
    const url = new URL(href, pageUrl)
    url.hash = ''
    return url.href
  }

  function readDate(row: Selection, fail: (what: string) => never): string | null {
    if (config.date === undefined) return null
    const element = row.find(config.date).first()
    if (element.length === 0) return null
    const raw = config.dateAttribute === undefined ? element.text() : element.attr(config.dateAttribute)
    if (raw === undefined) return fail(`${named('date', config.date)} has no attribute "${config.dateAttribute}"`)
    const text = normalizeText(raw)
    if (text === '') return null
    const parsed = dateReader === null ? DateTime.fromISO(text, { zone: config.timeZone, locale: config.dateLocale }) : dateReader.read(text, config.timeZone)
    // The date as the site's readers saw it: the instant converted to the site's zone.
    const date = parsed?.isValid ? parsed.setZone(config.timeZone).toISODate() : null
    return date ?? fail(`${named('date', config.date)}: "${text}" does not match the format "${config.dateFormat}"`)
  }

  function readNextPage($: CheerioAPI, pageUrl: string): string | null {
    if (config.nextPage === undefined) return null
    const next = $(config.nextPage).first()
    if (next.length === 0) return null
    const href = next.attr('href')?.trim() ?? ''
    // A next link we cannot follow must not pass for the last page.
    if (href === '' || !URL.canParse(href, pageUrl)) {
      throw new LayoutError(`${named('nextPage', config.nextPage)} has no usable href ("${href}")`, pageUrl)
    }
    return new URL(href, pageUrl).href
  }
}

function titleLink(title: Selection): Selection {
  const around = title.closest('a[href]')
  return around.length > 0 ? around : title.find('a[href]').first()
}

function allTexts($: CheerioAPI, elements: Selection): string[] {
  return normalizeThemes(elements.toArray().map((element) => $(element).text()))
}
