// What a site said, made safe to show in a message: one line of plain characters, and links only
// to the web. Escaping for a format (HTML, Markdown) comes after this.
import type { FieldChange } from '../../domain/change.ts'
import { textOf } from '../reports/fields.ts'
import { wordDiff, type WordSegment } from '../reports/word-diff.ts'

// Terminal escape sequences (CSI, then the two-character ones): gone whole, not just their ESC
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[@-_]/g
// C0 and C1 controls and DEL; the bidirectional overrides and isolates that reorder what is read
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/** One line: escape sequences and controls removed, line breaks and runs of whitespace read as one space. */
export function cleanText(text: string): string {
  return text
    .replace(ANSI, '')
    .replace(/[\t\n\r\v\f\u2028\u2029]+/g, ' ')
    .replace(INVISIBLE, '')
    .replace(/\s+/g, ' ')
    .trim()
}

/** Only http(s) URLs become links; javascript:, data:, file: and the like are shown as text. */
export function isWebLink(url: string): boolean {
  return /^https?:\/\//i.test(url) && URL.canParse(url)
}

/**
 * A piece of running text (a word diff's segment) cleaned, with whether it began or ended with
 * white space: the space that separates it from its neighbours stays outside any markup.
 */
export function cleanPiece(text: string): { lead: string; body: string; trail: string } {
  const body = cleanText(text)
  if (body === '') return { lead: text === '' ? '' : ' ', body, trail: '' }
  return { lead: /^\s/.test(text) ? ' ' : '', body, trail: /\s$/.test(text) ? ' ' : '' }
}

/** The summary's word diff over the cleaned texts: an escape sequence is never cut in two. */
export function summaryDiff(change: FieldChange): WordSegment[] {
  const clean = (value: FieldChange['before']) => {
    const text = textOf(value)
    return text === null ? null : cleanText(text)
  }
  return wordDiff(clean(change.before), clean(change.after))
}
