// What a site said, in a message: links only to the web, and the summary's word diff over the
// sanitised text (src/reports/site-text.ts). Escaping for a format (HTML, Markdown) comes after.
import type { FieldChange } from '../../domain/change.ts'
import { textOf } from '../reports/fields.ts'
import { siteLine } from '../reports/site-text.ts'
import { wordDiff, type WordSegment } from '../reports/word-diff.ts'

/** Only http(s) URLs become links; javascript:, data:, file: and the like are shown as text. */
export function isWebLink(url: string): boolean {
  return /^https?:\/\//i.test(url) && URL.canParse(url)
}

/** The summary's word diff over the cleaned texts: an escape sequence is never cut in two. */
export function summaryDiff(change: FieldChange): WordSegment[] {
  const clean = (value: FieldChange['before']) => {
    const text = textOf(value)
    return text === null ? null : siteLine(text)
  }
  return wordDiff(clean(change.before), clean(change.after))
}
