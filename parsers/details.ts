// Detail-page readers by profile id, listed by hand. A profile without one (selectors) fetches no detail pages.
import type { EntryDetail } from '../domain/detail.ts'
import { parseEurocitiesDetail } from './detail-eurocities.ts'
import { parseLegacyDetail } from './detail-legacy.ts'

/** Pure: (html, pageUrl) -> the page's fields; a LayoutError when the page lacks the block it reads. */
export type DetailParser = (html: string, pageUrl: string) => EntryDetail

const DETAIL_PARSERS: Record<string, DetailParser> = {
  'eurocities-legacy': parseLegacyDetail,
  eurocities: parseEurocitiesDetail,
}

export function findDetailParser(profileId: string): DetailParser | null {
  return DETAIL_PARSERS[profileId] ?? null
}
