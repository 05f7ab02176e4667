// Pure text normalization shared by parsers and the diff: two values that differ
// only cosmetically (entities, NFC/NFD, spacing, theme order) must compare equal.

/** NFC, every whitespace run (including no-break spaces) collapsed to one space, trimmed. */
export function normalizeText(s: string): string {
  // `\s` covers U+00A0, U+202F and the other Unicode spaces, so no-break spaces collapse too.
  return s.normalize('NFC').replace(/\s+/g, ' ').trim()
}

/** normalizeText, with "nothing left" (or no value at all) as null. */
export function normalizeOptionalText(s: string | null | undefined): string | null {
  if (s == null) return null
  const text = normalizeText(s)
  return text === '' ? null : text
}

/** Themes as a set: normalized, empties dropped, de-duplicated, sorted by code unit. */
export function normalizeThemes(list: readonly string[]): string[] {
  const themes = new Set<string>()
  for (const raw of list) {
    const theme = normalizeText(raw)
    if (theme !== '') themes.add(theme)
  }
  // Code-unit order, not localeCompare: the result must not depend on the machine's locale.
  return [...themes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/** The listing cut the text: it ends with "..." or "…" (trailing spaces ignored). */
export function isTruncatedSummary(s: string | null | undefined): boolean {
  if (s == null) return false
  const text = s.trimEnd()
  return text.endsWith('...') || text.endsWith('…')
}

/**
 * `DD-MM-YYYY` (surrounding spaces allowed) to ISO `YYYY-MM-DD`.
 * Returns null for anything else, including impossible dates (31-02-2019):
 * the caller knows which field and entry it was reading and raises the error.
 */
export function parseDayMonthYear(s: string): string | null {
  const match = /^(\d{2})-(\d{2})-(\d{4})$/.exec(s.trim())
  if (match === null) return null
  const [, dd = '', mm = '', yyyy = ''] = match
  const day = Number(dd)
  const month = Number(mm)
  const year = Number(yyyy)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null
  return `${yyyy}-${mm}-${dd}`
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}
