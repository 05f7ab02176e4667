// Bytes to text as a browser does it: the HTML encoding sniffing algorithm (a byte order
// mark, then the Content-Type charset, then a prescan of the first 1024 bytes for
// `<meta charset>` / `<meta http-equiv="Content-Type">`, then a default), done by
// encoding-sniffer, the library cheerio itself uses. A charset label we do not know is
// skipped, never an error: the next rule decides, as in a browser.
import { decodeBuffer, getEncoding, type SnifferOptions } from 'encoding-sniffer'

// With nothing declared the spec falls back to the locale's default: windows-1252 for an
// unknown locale. Every site we watch is UTF-8 in practice, and a page in another encoding
// declares it (header or <meta>), so an undeclared page is far likelier UTF-8; guessing
// windows-1252 would store it as mojibake ("MÃ¡laga") and report every accent as an edit.
const DEFAULT_ENCODING = 'UTF-8'

// The first `charset` parameter of a media type, quoted or not: `text/html; charset="iso-8859-1"`.
const CHARSET_PARAMETER = /;\s*charset=(?:"([^"]*)"|([^;]*))/i

export interface DecodedPage {
  html: string
  /** The WHATWG name of the encoding used (`UTF-8`, `windows-1252`, `Shift_JIS`...): worth storing with the page. */
  charset: string
}

/** Decodes a fetched page; `contentType` is the response's Content-Type header, null when there was none (a file). */
export function decodePage(body: Uint8Array, contentType: string | null): DecodedPage {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  const options: SnifferOptions = { defaultEncoding: DEFAULT_ENCODING, transportLayerEncodingLabel: charsetLabel(contentType) }
  const charset = getEncoding(bytes, options)
  // iconv-lite, which decodeBuffer uses, has no x-user-defined (only a header can choose it).
  const html = charset === 'x-user-defined' ? decodeUserDefined(bytes) : decodeBuffer(bytes, options)
  return { html, charset }
}

function charsetLabel(contentType: string | null): string | undefined {
  const match = contentType === null ? null : CHARSET_PARAMETER.exec(contentType)
  const label = (match?.[1] ?? match?.[2])?.trim()
  return label === '' ? undefined : label
}

/** https://encoding.spec.whatwg.org/#x-user-defined-decoder: ASCII as is, 0x80-0xFF to U+F780-U+F7FF. */
function decodeUserDefined(bytes: Uint8Array): string {
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte < 0x80 ? byte : 0xf780 + byte - 0x80)
  return text
}
