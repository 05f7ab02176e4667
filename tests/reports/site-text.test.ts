// The one sanitiser of site text, and the CSV cell that no spreadsheet runs as a formula.
import { describe, expect, it } from 'vitest'
import { csvCell, siteInline, siteLine, siteText } from '../../src/reports/site-text.ts'

const ESC = '\u001b'
// every class of character a site could send to drive a terminal, break XML or reorder what is read
const HOSTILE = [
  `${ESC}[31m`, `${ESC}]0;title\u0007`, `${ESC}]8;;http://evil.example${ESC}\\`, `${ESC}c`, `${ESC}(B`, `${ESC}P1$r${ESC}\\`, '\u0000', '\u0007', '\u0008', '\u000b', '\u000c', '\u001f', '\u007f', '\u0085', '\u009b',
  '\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\ufffe', '\uffff', '\ud800', '\udfff',
]

describe('site text', () => {
  it.each(HOSTILE.map((chars) => [JSON.stringify(chars), chars]))('drops %s whole', (_, chars) => {
    expect(siteText(`a${chars}b`)).toBe('ab')
    expect(siteLine(`a${chars}b`)).toBe('ab')
  })

  it('keeps line breaks and tabs in text, CR LF and CR as LF; one line collapses them', () => {
    expect(siteText('one\r\ntwo\rthree\n\tfour')).toBe('one\ntwo\nthree\n\tfour')
    expect(siteInline(' one\r\n two\u2028three ')).toBe(' one two three ')
    expect(siteLine(' one\r\n two ')).toBe('one two')
  })

  it('keeps what is printed: accents, other scripts, emoji (a surrogate pair), Arabic and Hebrew', () => {
    const text = 'Liège & Kraków — 東京 😀 مرحبا שלום'
    expect(siteText(text)).toBe(text)
  })
})

describe('a CSV cell', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","x")', `'=HYPERLINK("http://evil.example","x")`],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\tx', "'\tx"],
    ['\rx', "'\nx"],
    ['  =1+1', "'  =1+1"],
    ['\uff1d1+1', "'\uff1d1+1"],
    [`${ESC}[31m=1+1`, "'=1+1"],
    ['\u202e=1+1', "'=1+1"],
    ["'quoted", "''quoted"],
  ])('%j starts with a quote: %j', (text, cell) => {
    expect(csvCell(text)).toBe(cell)
  })

  it('leaves other text as it is, inner line breaks and signs too', () => {
    expect(csvCell('Budget 2020-2021: +5% = more\nsecond line')).toBe('Budget 2020-2021: +5% = more\nsecond line')
  })
})
