import { describe, expect, it } from 'vitest'
import { decodePage } from '../../parsers/decode-page.ts'

/** Bytes from ASCII strings and single byte values: `bytes('M', 0xe1, 'laga')`. */
function bytes(...parts: (string | number)[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...p].map((c) => c.charCodeAt(0)))))
}

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'))
// "Málaga ... Kraków – “quoted”" in windows-1252: á 0xE1, ó 0xF3, – 0x96, “ 0x93, ” 0x94.
const LATIN1_TEXT = ['<p>M', 0xe1, 'laga ... Krak', 0xf3, 'w ', 0x96, ' ', 0x93, 'quoted', 0x94, '</p>'] as const
const TEXT = '<p>Málaga ... Kraków – “quoted”</p>'
const META_CHARSET = '<!DOCTYPE html><html><head><meta charset="iso-8859-1"><title>t</title></head><body>'
const HTTP_EQUIV = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1" /></head><body>'

describe('decodePage', () => {
  it('lets a byte order mark win over the header', () => {
    const page = decodePage(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(TEXT)]), 'text/html; charset=iso-8859-1')
    expect(page).toEqual({ html: TEXT, charset: 'UTF-8' })
    const le = new Uint8Array([0xff, 0xfe, ...Buffer.from(TEXT, 'utf16le')])
    expect(decodePage(le, 'text/html; charset=utf-8')).toEqual({ html: TEXT, charset: 'UTF-16LE' })
  })

  it('decodes an iso-8859-1 header as windows-1252, so dashes and curly quotes in 0x80-0x9F come through', () => {
    expect(decodePage(bytes(...LATIN1_TEXT), 'text/html; charset=iso-8859-1')).toEqual({ html: TEXT, charset: 'windows-1252' })
    expect(decodePage(bytes(...LATIN1_TEXT), 'text/html;charset="ISO-8859-1"').html).toBe(TEXT)
  })

  it('lets the header win over a <meta>', () => {
    const page = decodePage(utf8(`${META_CHARSET}${TEXT}`), 'text/html; charset=utf-8')
    expect(page.charset).toBe('UTF-8')
    expect(page.html).toContain(TEXT)
  })

  it('reads <meta charset> when there is no header', () => {
    const page = decodePage(bytes(META_CHARSET, ...LATIN1_TEXT), null)
    expect(page).toEqual({ html: `${META_CHARSET}${TEXT}`, charset: 'windows-1252' })
  })

  it('reads <meta http-equiv="Content-Type"> when the header names no charset', () => {
    const page = decodePage(bytes(HTTP_EQUIV, ...LATIN1_TEXT), 'text/html')
    expect(page).toEqual({ html: `${HTTP_EQUIV}${TEXT}`, charset: 'windows-1252' })
  })

  it('skips an unknown charset label: the <meta> decides, else the UTF-8 default', () => {
    expect(decodePage(bytes(HTTP_EQUIV, ...LATIN1_TEXT), 'text/html; charset=foo')).toEqual({ html: `${HTTP_EQUIV}${TEXT}`, charset: 'windows-1252' })
    expect(decodePage(utf8(TEXT), 'text/html; charset=foo')).toEqual({ html: TEXT, charset: 'UTF-8' })
    expect(decodePage(utf8(TEXT), 'text/html; charset=')).toEqual({ html: TEXT, charset: 'UTF-8' })
    expect(decodePage(utf8(`<meta charset="bogus">${TEXT}`), null)).toEqual({ html: `<meta charset="bogus">${TEXT}`, charset: 'UTF-8' })
  })

  it('takes UTF-8 when nothing is declared', () => {
    expect(decodePage(utf8(TEXT), null)).toEqual({ html: TEXT, charset: 'UTF-8' })
    expect(decodePage(new Uint8Array(), null)).toEqual({ html: '', charset: 'UTF-8' })
  })

  it('only looks for a <meta> in the first 1024 bytes, as browsers do', () => {
    const late = `<html><head><!-- ${'x'.repeat(1100)} --><meta charset="iso-8859-1"></head>`
    expect(decodePage(utf8(late), null).charset).toBe('UTF-8')
  })

  it.each([
    ['iso-8859-1', 'windows-1252'],
    ['latin1', 'windows-1252'],
    ['us-ascii', 'windows-1252'],
    ['windows-1252', 'windows-1252'],
    ['utf8', 'UTF-8'],
    ['UTF-8', 'UTF-8'],
    [' ISO-8859-2 ', 'ISO-8859-2'],
    ['shift_jis', 'Shift_JIS'],
    ['utf-16', 'UTF-16LE'],
    ['x-user-defined', 'x-user-defined'],
  ])('names the encoding of the label %j %s', (label, name) => {
    expect(decodePage(bytes('<p>a</p>'), `text/html; charset=${label}`).charset).toBe(name)
  })

  it('decodes x-user-defined, which the decoding library lacks, instead of throwing', () => {
    expect(decodePage(bytes('a', 0x80, 0xff), 'text/html; charset=x-user-defined').html).toBe('a\uf780\uf7ff')
  })

  it('reads only the bytes of a view into a larger buffer', () => {
    const whole = bytes('XXXX', ...LATIN1_TEXT, 'YYYY')
    expect(decodePage(whole.subarray(4, whole.length - 4), 'text/html; charset=latin1').html).toBe(TEXT)
  })
})
