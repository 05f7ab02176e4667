// Which changes a subscription wants: a filter over the change events of a run. Pure.
import type { ChangeEvent, ChangeKind } from './change.ts'

/** Every list is "any of"; an absent list admits everything; all present lists must admit. */
export interface ChangeFilter {
  listings?: string[]
  kinds?: ChangeKind[]
  types?: string[]
  themes?: string[]
  /** Whole words or phrases in the title or summary, case and accents aside. */
  words?: string[]
  /** Regular expressions over the title and summary, case and accents aside. */
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
  const words = filter.words?.map((word) => new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(fold(word))}(?![\\p{L}\\p{N}])`, 'u'))
  const patterns = filter.patterns?.map((pattern) => new RegExp(fold(pattern), 'iu'))
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

// letters with a stroke or ligatures have no decomposition to strip: spelled out as readers type them
const SPELLED: Record<string, string> = { ł: 'l', ø: 'o', đ: 'd', ħ: 'h', ı: 'i', ß: 'ss', æ: 'ae', œ: 'oe', þ: 'th' }

/** Lower case without diacritics: "Économie" and "economie", "Łódź" and "Lodz" are one word to a reader. */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[łøđħıßæœþ]/g, (letter) => SPELLED[letter] ?? letter)
}

function listingsOf(event: ChangeEvent): string[] {
  const seen = event.seenOn.map((place) => place.listing.source)
  return event.listing === null ? seen : [event.listing.source, ...seen]
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
