// EUROCITIES legacy site (about 2010-2020): issue, document, news, publication and
// case-study listings share one `.newslist > .newsitem` markup.
import { load, type CheerioAPI } from 'cheerio'
import type { ListingPage, ParsedEntry, SiteProfile } from '../domain/entry.ts'
import { LayoutError } from '../domain/errors.ts'
import {
  isTruncatedSummary,
  normalizeOptionalText,
  normalizeText,
  normalizeThemes,
  parseDayMonthYear,
} from '../domain/normalize.ts'

const ENTRY_SELECTOR = '#content .newslist > .newsitem'
// The stable key: the slug before it may change, the id does not.
const KEY_PATTERN = /(WSPO-[A-Z0-9]{6})$/
// `publication date: 23-10-2019`, `publication date : ...`, `case study date : ...`, `start date: ...`, `end date: ...`
const DATE_LINE_PATTERN = /^(publication date|case study date|start date|end date) ?: ?(\S+)$/
// Theme items read `&bull;&nbsp;culture`.
const BULLET_PATTERN = /^•\s*/

// Cheerio<Element>, named without importing domhandler (not a direct dependency).
type Selection = ReturnType<ReturnType<CheerioAPI['root']>['find']>

export const eurocitiesLegacy = {
  id: 'eurocities-legacy',
  render: 'http',
  themeSource: 'page',
  readySelector: '#content .newslist > .newsitem',
  parseListing,
} satisfies SiteProfile

function parseListing(html: string, pageUrl: string): ListingPage {
  const $ = load(html)
  const rows = $(ENTRY_SELECTOR).toArray()
  if (rows.length === 0) throw new LayoutError(`no entries at ${ENTRY_SELECTOR}`, pageUrl)
  return {
    entries: rows.map((row, index) => readEntry($, $(row), index + 1, pageUrl)),
    nextPage: readNextPage($, pageUrl),
  }
}

function readEntry($: CheerioAPI, row: Selection, position: number, pageUrl: string): ParsedEntry {
  const fail = (what: string): never => {
    throw new LayoutError(`entry ${position}: ${what}`, pageUrl)
  }
  const link = row.find('.newstitle > a')
  if (link.length !== 1) fail(`expected one title link at .newstitle > a, found ${link.length}`)
  const href = link.attr('href')?.trim() ?? ''
  if (href === '') fail('title link has no href')
  const key = KEY_PATTERN.exec(href)?.[1] ?? fail(`title link has no WSPO id: ${href}`)

  const dates = readDates($, row.find('.newsinfo .newsdate'), fail)
  const summary = normalizeOptionalText(row.find('.newsabstract').text())
  return {
    key,
    url: new URL(href, pageUrl).href,
    title: normalizeOptionalText(link.text()),
    type: normalizeOptionalText(row.find('.newsinfo .newstype').text()),
    date: dates.date,
    endDate: dates.endDate,
    themes: normalizeThemes(
      row.find('.newsthemes > li').toArray().map((li) => normalizeText($(li).text()).replace(BULLET_PATTERN, '')),
    ),
    summary,
    summaryTruncated: isTruncatedSummary(summary),
    documentType: normalizeOptionalText(row.find('.newsinfo .doctype').text()),
  }
}

interface EntryDates {
  date: string | null
  endDate: string | null
}

// Every date line must parse: a date we cannot read is a layout change, not a missing date.
function readDates($: CheerioAPI, lines: Selection, fail: (what: string) => never): EntryDates {
  const dates: EntryDates = { date: null, endDate: null }
  for (const line of lines.toArray()) {
    const text = normalizeText($(line).text())
    const match = DATE_LINE_PATTERN.exec(text)
    const iso = match?.[2] === undefined ? null : parseDayMonthYear(match[2])
    if (match === null || iso === null) return fail(`unparseable date line "${text}"`)
    const field = match[1] === 'end date' ? 'endDate' : 'date'
    if (dates[field] !== null) fail(`more than one ${field === 'date' ? 'date' : 'end date'} line`)
    dates[field] = iso
  }
  if (dates.endDate !== null && dates.date === null) fail('end date without a start date')
  return dates
}

function readNextPage($: CheerioAPI, pageUrl: string): string | null {
  const next = $('.pager a.next').first()
  if (next.length === 0) return null
  const href = next.attr('href')?.trim() ?? ''
  // A next link we cannot follow must not pass for the last page: that would end the crawl as "complete".
  if (href === '') throw new LayoutError('next page link at .pager a.next has no href', pageUrl)
  return new URL(href, pageUrl).href
}
