/** The EUROCITIES sites' time zone: dates without an offset, and schedules, are read in it. */
export const SITE_TIME_ZONE = 'Europe/Brussels'

/** An IANA time zone name this runtime knows (Europe/Brussels), not just any string. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}
