// Text with the words a search matched between MATCH_START and MATCH_END (db/search.ts): each
// piece escaped as site text, each matched one in <mark>. Pure.
import { MATCH_END, MATCH_START } from '../../domain/entry-search.ts'
import { html, type SafeHtml } from './html.ts'

export function markedHtml(text: string): SafeHtml {
  const pieces = text.split(MATCH_START).map((piece, index) => {
    if (index === 0) return html`${piece.replaceAll(MATCH_END, '')}`
    const end = piece.indexOf(MATCH_END)
    if (end < 0) return html`${piece}`
    return html`<mark>${piece.slice(0, end)}</mark>${piece.slice(end + 1).replaceAll(MATCH_END, '')}`
  })
  return html`${pieces}`
}

/** The text without its marks (for downloads and feeds). */
export function unmarked(text: string): string {
  return text.replaceAll(MATCH_START, '').replaceAll(MATCH_END, '')
}
