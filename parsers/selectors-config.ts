// The configuration of the generic selectors profile, validated where the configuration is read.
import { createRequire } from 'node:module'
import { z } from 'zod'
import { UserError } from '../domain/errors.ts'
import { isTimeZone } from '../domain/site-zone.ts'
import { dateFormatReader } from './date-format.ts'

// A typo in a selector should fail when the configuration loads, not on the first crawl.
// cheerio-select is the selector engine of cheerio, without its HTML parser; it is loaded (by a
// synchronous require, as zod checks synchronously) only for a configuration that has selectors.
const requireCjs = createRequire(import.meta.url)
let selectorEngine: typeof import('cheerio-select') | undefined

function selectorProblem(selector: string): string | null {
  selectorEngine ??= requireCjs('cheerio-select') as typeof import('cheerio-select')
  try {
    selectorEngine.select(selector, [])
    return null
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

function dateFormatProblem(format: string, locale: string): string | null {
  try {
    dateFormatReader(format, locale)
    return null
  } catch (error) {
    return `not a date format RE2 can match in linear time: ${error instanceof Error ? error.message : String(error)}`
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
      .refine(isTimeZone, 'not an IANA time zone (e.g. Europe/Brussels)'),
    /** Several matches are joined, sorted, with ", ". */
    type: cssSelector('the entry type').optional(),
    themes: cssSelector('the themes (several elements)').optional(),
    summary: cssSelector('the summary').optional(),
    /** Searched in the whole page: an a[href] to the next listing page. */
    nextPage: cssSelector('the next page link').optional(),
  })
  .superRefine((config, ctx) => {
    if (config.dateFormat !== 'iso') {
      const problem = dateFormatProblem(config.dateFormat, config.dateLocale)
      if (problem !== null) ctx.addIssue({ code: 'custom', path: ['dateFormat'], message: problem })
    }
    if (config.dateAttribute !== undefined && config.date === undefined) {
      ctx.addIssue({ code: 'custom', path: ['dateAttribute'], message: 'needs "date", the selector of the element carrying it' })
    }
  })

export type SelectorsConfig = z.output<typeof SelectorsProfileSchema>

/** Validates a selectors configuration; a UserError lists every bad key. */
export function parseSelectorsConfig(raw: unknown): SelectorsConfig {
  const result = SelectorsProfileSchema.safeParse(raw)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => `${issue.path.length === 0 ? '(top level)' : issue.path.join('.')}: ${issue.message}`)
  throw new UserError(`invalid selectors configuration: ${problems.join('; ')}`, 'required keys: entry, title; see the README for the others')
}
