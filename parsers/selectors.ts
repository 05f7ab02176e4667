// The generic profile: any other network's listing pages, described by CSS selectors in the
// configuration instead of code. Misconfiguration must read as such: every error names the selector.
import { load, type Cheerio, type CheerioAPI } from 'cheerio'
import { DateTime, IANAZone } from 'luxon'
import { z } from 'zod'
import type { ListingPage, ParsedEntry, SiteProfile } from '../domain/entry.ts'
import { LayoutError, UserError } from '../domain/errors.ts'
import { isTruncatedSummary, normalizeOptionalText, normalizeText, normalizeThemes } from '../domain/normalize.ts'

// Any node (user selectors may match text-bearing nodes of any kind), named without importing domhandler.
type Selection = Cheerio<Parameters<CheerioAPI['contains']>[1]>

// A typo in a selector should fail when the configuration loads, not on the first crawl.
function selectorProblem(selector: string): string | null {
  try {
    load('')(selector)
    return null
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

const cssSelector = (what: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `required: the CSS selector of ${what}` : 'expected a CSS selector (a string)') })
    .trim()
    .min(1, `empty: the CSS selector of ${what}`)
    .superRefine((value, ctx) => {
      const problem = selectorProblem(value)
      if (problem !== null) ctx.addIssue({ code: 'custom', message: `invalid CSS selector "${value}": ${problem}` })
    })

export const SelectorsProfileSchema = z
  .strictObject({
    /** Names the network in logs and stored pages. */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes').default('selectors'),
    render: z.enum(['http', 'browser']).default('http'),
    /** Searched in the whole page; every other entry field is searched inside each entry. */
    entry: cssSelector('the entry container'),
    title: cssSelector('the title inside an entry'),
    /** Element whose href is the detail link; default: the title's closest a[href], else the first a[href] inside the title. */
    link: cssSelector('the detail link').optional(),
    date: cssSelector('the date').optional(),
    /** A luxon format (`d LLLL yyyy`, `dd.MM.yyyy`) or `iso`. */
    dateFormat: z.string().trim().min(1).default('iso'),
    /** Read the date from this attribute (e.g. `datetime`) instead of the element's text. */
    dateAttribute: z.string().trim().min(1).optional(),
    /** Language of month names in the dates. */
    dateLocale: z.string().trim().min(1).default('en'),
    /** The site's time zone: a date-time is reported as the date it was there. */
    timeZone: z
      .string()
      .default('Europe/Brussels')
      .refine((zone) => IANAZone.isValidZone(zone), 'not an IANA time zone (e.g. Europe/Brussels)'),
    /** Several matches are joined, sorted, with ", ". */
    type: cssSelector('the entry type').optional(),
    themes: cssSelector('the themes (several elements)').optional(),
    summary: cssSelector('the summary').optional(),
    /** Searched in the whole page: an a[href] to the next listing page. */
    nextPage: cssSelector('the next page link').optional(),
  })
  .superRefine((config, ctx) => {
    if (config.dateAttribute !== undefined && config.date === undefined) {
      ctx.addIssue({ code: 'custom', path: ['dateAttribute'], message: 'needs "date", the selector of the element carrying it' })
    }
  })

export type SelectorsConfig = z.output<typeof SelectorsProfileSchema>
type FieldName = 'entry' | 'title' | 'link' | 'date' | 'nextPage'

/** Validates a selectors configuration; a UserError lists every bad key. */
export function parseSelectorsConfig(raw: unknown): SelectorsConfig {
  const result = SelectorsProfileSchema.safeParse(raw)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => `${issue.path.length === 0 ? '(top level)' : issue.path.join('.')}: ${issue.message}`)
  throw new UserError(`invalid selectors configuration: ${problems.join('; ')}`, 'required keys: entry, title; see the README for the others')
}

export function createSelectorsProfile(config: SelectorsConfig): SiteProfile {
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
    const options = { zone: config.timeZone, locale: config.dateLocale }
    const parsed = config.dateFormat === 'iso' ? DateTime.fromISO(text, options) : DateTime.fromFormat(text, config.dateFormat, options)
    // The date as the site's readers saw it: the instant converted to the site's zone.
    const date = parsed.isValid ? parsed.setZone(config.timeZone).toISODate() : null
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
