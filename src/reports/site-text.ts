// What a watched site wrote, made safe to show in any output format (text, Markdown, HTML, CSV,
// feeds, e-mail, Slack): the one sanitiser of site text. Escaping for a format comes after it.
// JSON and JSON Lines exports keep the text exact: JSON escapes every control character. Pure.

// Terminal escape sequences go whole, not just their ESC: CSI (ESC [ ... final); the strings
// OSC, DCS, SOS, PM and APC (ESC ] P X ^ _ ... ended by BEL or ESC \, or by nothing); and the
// short ones (ESC c, ESC 7, ESC ( B)
const ESCAPE_SEQUENCE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[\]PX^_][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[ -/]*[0-~]/g

// C0 controls but tab and line feed (one ESC makes a whole XML feed invalid, and on a terminal
// it starts an escape sequence), DEL and C1 controls; the bidirectional marks, embeddings,
// overrides and isolates (U+202E shows a URL or title reversed); XML's non-characters; lone
// surrogates
const UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** Site text with its line breaks (CR LF and CR read as LF) and tabs, and nothing else that is not printed. */
export function siteText(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(/\r\n?/g, '\n').replace(UNSAFE, '')
}

/** Site text as part of one line: every run of white space (line breaks too) one space. Not trimmed: a piece keeps its edges. */
export function siteInline(text: string): string {
  return siteText(text).replace(/\s+/g, ' ')
}

/** Site text as one line of its own: inline, trimmed. */
export function siteLine(text: string): string {
  return siteInline(text).trim()
}

/**
 * A piece of running text (a word diff's segment) cleaned, with whether it began or ended with
 * white space: the space that separates it from its neighbours stays outside any markup.
 */
export function sitePiece(text: string): { lead: string; body: string; trail: string } {
  const body = siteLine(text)
  if (body === '') return { lead: text === '' ? '' : ' ', body, trail: '' }
  return { lead: /^\s/.test(text) ? ' ' : '', body, trail: /\s$/.test(text) ? ' ' : '' }
}

// A spreadsheet may read a cell that begins with one of these as a formula (OWASP, "CSV
// Injection": = + - @ tab CR), white space before it or not; their full-width forms too, and
// any leading line break. A cell that begins with ' gets one more: a reader strips exactly one.
const FORMULA_START = /^(?:\s*[=+\-@\uff1d\uff0b\uff0d\uff20]|[\t\r\n'])/

/** Site text as a CSV cell: sanitised, and a cell a spreadsheet would run as a formula starts with ' (OWASP). */
export function csvCell(text: string): string {
  const clean = siteText(text)
  return FORMULA_START.test(clean) ? `'${clean}` : clean
}
