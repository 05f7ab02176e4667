// The big `allcontent&sector=archive` listing: entry i is computed from i alone, so a
// 1,000-page listing costs nothing until a page is asked for.
import type { LegacyEntry } from './model.ts'
import { addDays } from './model.ts'
import { generatedEntry, generatedId, generatedIndex, seededRandom } from './generate.ts'
import { ARCHIVE, PAGE_SIZE } from './listings.ts'

const PREFIX = 'Z'
const NEWEST = '2019-06-30'

/** Entry i (0-based, newest first) of the archive: four entries per day going back. */
export function archiveEntry(i: number): LegacyEntry {
  const rand = seededRandom(0x9e3779b9 ^ i)
  return generatedEntry(rand, generatedId(PREFIX, i), addDays(NEWEST, -Math.floor(i / 4)), [ARCHIVE])
}

export function archivePage(page: number, pageCount: number): LegacyEntry[] {
  if (page < 1 || page > pageCount) return []
  return Array.from({ length: PAGE_SIZE }, (_, k) => archiveEntry((page - 1) * PAGE_SIZE + k))
}

/** The archive entry with this id, if the archive (of `pageCount` pages) has it. */
export function findArchiveEntry(id: string, pageCount: number): LegacyEntry | undefined {
  const i = generatedIndex(PREFIX, id)
  return i !== null && i < pageCount * PAGE_SIZE ? archiveEntry(i) : undefined
}
