// Dates and durations on the command line, as zod schemas that refuse a bad flag in one line. The
// reading of a date itself is shared with the web (domain/site-dates.ts).
import { DateTime, Duration } from 'luxon'
import { z } from 'zod'
import { DAY, parseSiteDate, type DayEdge } from '../../domain/site-dates.ts'

// Every moment a flag names lies in years 0001 to 9999: what an ISO date writes with four digits and
// what both the database and Date#toISOString take; a duration reaching further back is refused.
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z')
const LATEST = Date.parse('9999-12-31T23:59:59.999Z')
const RANGE = 'between the years 0001 and 9999'

function inRange(milliseconds: number): boolean {
  return milliseconds >= EARLIEST && milliseconds <= LATEST
}

export interface DateFlag {
  at: Date
  /** As given, for headings and scopes. */
  text: string
}

/** A zod schema for a date flag: one line naming what it expected when the value is no date. */
export function dateFlag(edge: DayEdge) {
  return z.string().transform((text, ctx): DateFlag => {
    const at = parseSiteDate(text, edge)
    if (at !== null && inRange(at.getTime())) return { at, text }
    const message = at === null ? `not a date: "${text}" (expected YYYY-MM-DD or an ISO datetime such as 2026-11-01T08:00Z)` : `out of range: "${text}" (a moment ${RANGE})`
    ctx.addIssue({ code: 'custom', message })
    return z.NEVER
  })
}

/** A zod schema for a calendar day in UTC, `YYYY-MM-DD`, kept as written: 2020-02-31 is no day. */
export function utcDayFlag() {
  return z.string().superRefine((text, ctx) => {
    const day = DAY.test(text) ? DateTime.fromISO(text, { zone: 'utc' }) : null
    if (day?.isValid && inRange(day.toMillis())) return
    ctx.addIssue({ code: 'custom', message: `not a day: "${text}" (expected a day of the calendar as YYYY-MM-DD, ${RANGE})` })
  })
}

const SHORT_DURATION = /^(\d+)\s*(h|d|w|y)$/
const SHORT_UNIT = { h: 'hours', d: 'days', w: 'weeks', y: 'years' } as const

export interface DurationFlag {
  milliseconds: number
  /** As given, for messages. */
  text: string
}

/** A zod schema for a duration flag: `36h`, `30d`, `8w`, `1y`, or ISO 8601 such as `P30D`; longer than zero. */
export function durationFlag() {
  return z.string().transform((text, ctx): DurationFlag => {
    const milliseconds = durationMilliseconds(text.trim())
    if (!(Number.isFinite(milliseconds) && milliseconds > 0)) {
      ctx.addIssue({ code: 'custom', message: `not a duration: "${text}" (expected a number of hours, days, weeks or years such as 30d, 12h, 8w, 1y, or ISO 8601 such as P30D)` })
      return z.NEVER
    }
    if (inRange(Date.now() - milliseconds)) return { milliseconds, text }
    ctx.addIssue({ code: 'custom', message: `too long: "${text}" reaches back before the year 0001` })
    return z.NEVER
  })
}

/** NaN when the text is no duration; luxon throws on a count too large to be a number. */
function durationMilliseconds(text: string): number {
  const short = SHORT_DURATION.exec(text)
  if (short && !Number.isSafeInteger(Number(short[1]))) return Number.NaN
  const duration = short ? Duration.fromObject({ [SHORT_UNIT[short[2] as keyof typeof SHORT_UNIT]]: Number(short[1]) }) : Duration.fromISO(text)
  return duration.isValid ? duration.toMillis() : Number.NaN
}
