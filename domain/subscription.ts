// Which changes a subscription wants: a filter over the change events of a run. Pure.
import { RE2JS } from 're2js'
import type { ChangeEvent, ChangeKind } from './change.ts'

/** Every list is "any of"; an absent list admits everything; all present lists must admit. */
export interface ChangeFilter {
  listings?: string[]
  kinds?: ChangeKind[]
  types?: string[]
  themes?: string[]
  /** Whole words or phrases in the title or summary, case and accents aside. */
  words?: string[]
  /** Regular expressions (RE2 syntax: matched in linear time) over the title and summary, case and accents aside. */
  patterns?: string[]
}

export interface SubscriptionRule {
  name: string
  filter: ChangeFilter
}

/** A compiled filter: lists folded once, so that matching 10,000 events stays cheap. */
export type ChangeMatcher = (event: ChangeEvent) => boolean

export function compileFilter(filter: ChangeFilter): ChangeMatcher {
  const listings = filter.listings && new Set(filter.listings)
  const kinds = filter.kinds && new Set(filter.kinds)
  const types = filter.types && new Set(filter.types.map(fold))
  const themes = filter.themes && new Set(filter.themes.map(fold))
  // a word matches at word boundaries ("bus" is not "business"); Unicode letters count as word characters
  const words = filter.words?.map((word) => RE2JS.compile(`(?:^|[^\\p{L}\\p{N}])${RE2JS.quote(fold(word))}(?:$|[^\\p{L}\\p{N}])`))
  const patterns = filter.patterns?.map(compilePattern)
  return (event) => {
    if (listings && !listingsOf(event).some((source) => listings.has(source))) return false
    if (kinds && !kinds.has(event.kind)) return false
    if (types && !(event.entry.type !== null && types.has(fold(event.entry.type)))) return false
    if (themes && !event.entry.themes.some((theme) => themes.has(fold(theme)))) return false
    if (words || patterns) {
      const text = fold(`${event.entry.title ?? ''}\n${event.entry.summary ?? ''}`)
      if (words && !words.some((word) => word.test(text))) return false
      if (patterns && !patterns.some((pattern) => pattern.test(text))) return false
    }
    return true
  }
}

/**
 * A subscriber's pattern, matched by RE2 (re2js): linear in the text whatever the pattern, so that no
 * title can stall a run. Throws RE2JSSyntaxException for what RE2 cannot match in linear time
 * (backreferences, lookaround). Accents are stripped as in the text, but not its case: lower-casing
 * would turn \D into \d; the case-insensitive flag does that part.
 */
export function compilePattern(pattern: string): RE2JS {
  return RE2JS.compile(stripAccents(pattern).replace(/[łøđħıßæœþ]/giu, (letter) => SPELLED[letter.toLowerCase()] ?? letter), RE2JS.CASE_INSENSITIVE)
}

// letters with a stroke or ligatures have no decomposition to strip: spelled out as readers type them
const SPELLED: Record<string, string> = { ł: 'l', ø: 'o', đ: 'd', ħ: 'h', ı: 'i', ß: 'ss', æ: 'ae', œ: 'oe', þ: 'th' }

/** Lower case without diacritics: "Économie" and "economie", "Łódź" and "Lodz" are one word to a reader. */
export function fold(text: string): string {
  return stripAccents(text)
    .toLowerCase()
    .replace(/[łøđħıßæœþ]/g, (letter) => SPELLED[letter] ?? letter)
}

function stripAccents(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}+/gu, '')
}

function listingsOf(event: ChangeEvent): string[] {
  const seen = event.seenOn.map((place) => place.listing.source)
  return event.listing === null ? seen : [event.listing.source, ...seen]
}
