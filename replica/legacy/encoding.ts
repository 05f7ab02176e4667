// The bytes of a legacy page in the charset its listing declares. Most of the site is UTF-8;
// a section left on the old CMS says `iso-8859-1`, which browsers (and the WHATWG Encoding
// standard) read as windows-1252, so that is what its bytes are. A character windows-1252
// cannot hold is written as a numeric character reference, as such a CMS stored it.
import iconv from 'iconv-lite'

/** What a listing declares in its Content-Type header and `<meta http-equiv>`. */
export type LegacyCharset = 'utf-8' | 'iso-8859-1'

export function htmlContentType(charset: LegacyCharset): string {
  return `text/html; charset=${charset}`
}

export function encodeHtml(html: string, charset: LegacyCharset): Buffer {
  if (charset === 'utf-8') return Buffer.from(html, 'utf8')
  return iconv.encode(html.replace(/[^\x00-\x7f]/gu, (char) => (holds1252(char) ? char : `&#${char.codePointAt(0)};`)), WINDOWS_1252)
}

const WINDOWS_1252 = 'windows-1252'

function holds1252(char: string): boolean {
  return iconv.decode(iconv.encode(char, WINDOWS_1252), WINDOWS_1252) === char
}

/** The same HTML in ASCII (every other character as a numeric reference): the same bytes in either charset. */
export function asciiHtml(html: string): string {
  return html.replace(/[^\x00-\x7f]/gu, (char) => `&#${char.codePointAt(0)};`)
}
