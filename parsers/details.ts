// Detail-page readers by profile id, listed by hand. A profile without one (selectors) fetches no detail pages.
import type { DetailReading } from '../domain/detail.ts'
import { parseEurocitiesDetail } from './detail-eurocities.ts'
import { parseLegacyDetail } from './detail-legacy.ts'

/** Pure: (html, pageUrl) -> what the page says; a LayoutError when the page lacks the block it reads and says nothing else. */
export type DetailParser = (html: string, pageUrl: string) => DetailReading

const DETAIL_PARSERS: Record<string, DetailParser> = {
  'eurocities-legacy': (html, pageUrl) => ({ detail: parseLegacyDetail(html, pageUrl), missingBlock: null }),
  eurocities: parseEurocitiesDetail,
}

export function findDetailParser(profileId: string): DetailParser | null {
  return DETAIL_PARSERS[profileId] ?? null
}
