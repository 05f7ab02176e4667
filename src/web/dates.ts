// A date a page or the API is asked for: `YYYY-MM-DD` in the site's zone, to the end of that day
// ("as of 2026-11-01" includes that day), or an ISO datetime with its own offset.
import { DateTime } from 'luxon'
import { SITE_TIME_ZONE } from '../../domain/site-zone.ts'

const DAY = /^\d{4}-\d{2}-\d{2}$/

/** null when the text is neither a date nor an ISO datetime. */
export function parseAsOf(text: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}([T ].+)?$/.test(text)) return null
  const parsed = DateTime.fromISO(text.replace(' ', 'T'), { zone: SITE_TIME_ZONE })
  if (!parsed.isValid) return null
  return (DAY.test(text) ? parsed.endOf('day') : parsed).toJSDate()
}

/** The day a moment falls on in the site's zone, as a date input shows it. */
export function siteDay(at: Date): string {
  return DateTime.fromJSDate(at, { zone: SITE_TIME_ZONE }).toISODate() ?? at.toISOString().slice(0, 10)
}
