// Markup for the web pages: a tagged template whose every interpolated value is text, made safe.
// Site text can hold markup, javascript: URLs and bidirectional overrides: here it is sanitised
// (site-text.ts) and escaped, so a page shows it and never runs or reorders it. Pure.
import { escapeHtml } from '../reports/html.ts'
import { webUrl } from '../reports/fields.ts'
import { siteText } from '../reports/site-text.ts'

/** Markup we wrote (or built from escaped parts): interpolated as is. */
export class SafeHtml {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup
  }
}

/** A value a template may hold: text (escaped), markup, a list of them, or nothing (left out). */
export type HtmlValue = string | number | SafeHtml | null | undefined | false | readonly HtmlValue[]

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return ''
  if (value instanceof SafeHtml) return value.markup
  if (Array.isArray(value)) return value.map(render).join('')
  return escapeHtml(siteText(String(value)))
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let markup = strings[0] ?? ''
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '')
  })
  return new SafeHtml(markup)
}

/** Markup written by us, never site text. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup)
}

/** An http(s) URL to link to, or null: javascript:, data: and file: links never leave a page. */
export function href(url: string | null | undefined): string | null {
  return url === null || url === undefined ? null : webUrl(url)
}
