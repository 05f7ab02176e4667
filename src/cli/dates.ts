// Dates on the command line: `YYYY-MM-DD` in the site's zone (Europe/Brussels) unless a
// datetime carries its own offset. A day that starts a range (--since) starts at midnight; a
// day that ends one (--until, --as-of) lasts to its end: "as of 2026-11-01" includes that day.
import { DateTime, Duration } from 'luxon'
import { z } from 'zod'
import { SITE_TIME_ZONE } from '../../domain/site-zone.ts'

export type DayEdge = 'start' | 'end'

const DAY = /^\d{4}-\d{2}-\d{2}$/

/** A date or an ISO datetime; null when it is neither. A bare date is taken at its start or its end. */
export function parseDateFlag(text: string, edge: DayEdge): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}([T ].+)?$/.test(text)) return null
  const parsed = DateTime.fromISO(text.replace(' ', 'T'), { zone: SITE_TIME_ZONE })
  if (!parsed.isValid) return null
  return (edge === 'end' && DAY.test(text) ? parsed.endOf('day') : parsed).toJSDate()
}

export interface DateFlag {
  at: Date
  /** As given, for headings and scopes. */
  text: string
}

/** A zod schema for a date flag: one line naming what it expected when the value is no date. */
export function dateFlag(edge: DayEdge) {
  return z.string().transform((text, ctx): DateFlag => {
    const at = parseDateFlag(text, edge)
    if (at !== null) return { at, text }
    ctx.addIssue({ code: 'custom', message: `not a date: "${text}" (expected YYYY-MM-DD or an ISO datetime such as 2026-11-01T08:00Z)` })
    return z.NEVER
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
    const short = SHORT_DURATION.exec(text.trim())
    const duration = short ? Duration.fromObject({ [SHORT_UNIT[short[2] as keyof typeof SHORT_UNIT]]: Number(short[1]) }) : Duration.fromISO(text.trim())
    const milliseconds = duration.isValid ? duration.toMillis() : Number.NaN
    if (Number.isFinite(milliseconds) && milliseconds > 0) return { milliseconds, text }
    ctx.addIssue({ code: 'custom', message: `not a duration: "${text}" (expected a number of hours, days, weeks or years such as 30d, 12h, 8w, 1y, or ISO 8601 such as P30D)` })
    return z.NEVER
  })
}
