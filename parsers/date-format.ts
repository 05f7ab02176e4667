// A configured luxon date format, read without letting a site's text stall a parse. luxon matches a
// format with a backtracking regular expression: a format with fields side by side (`dydydy...`)
// takes seconds to refuse 40 digits, doubling with each more. The same expression run by RE2
// (re2js) decides in linear time whether the text can match; only a text that can goes to luxon.
import { DateTime } from 'luxon'
import { RE2JS } from 're2js'

export interface DateFormatReader {
  read(text: string, zone: string): DateTime | null
}

/** Throws Error with luxon's or RE2's reason when the format cannot be read in linear time. */
export function dateFormatReader(format: string, locale: string): DateFormatReader {
  // the explanation of an empty text names luxon's expression for the format without matching anything
  const { regex, invalidReason } = DateTime.fromFormatExplain('', format, { locale })
  if (regex === undefined) throw new Error(invalidReason ?? `luxon cannot read the format "${format}"`)
  const shape = RE2JS.compile(regex.source, RE2JS.CASE_INSENSITIVE)
  const parser = DateTime.buildFormatParser(format, { locale })
  return {
    read(text, zone) {
      if (!shape.test(text)) return null
      const parsed = DateTime.fromFormatParser(text, parser, { locale, zone })
      return parsed.isValid ? parsed : null
    },
  }
}
