// Helpers for the current-site replica tests: the real parser over real HTTP.
import { expect } from 'vitest'
import { eurocities } from '../../parsers/eurocities.ts'
import type { ParsedEntry } from '../../domain/entry.ts'
import type { Replica } from '../../replica/index.ts'
import { getText } from './support.ts'

export const CANONICAL = 'https://eurocities.eu'

/** Parse a replica page as the crawler would: fetched from the replica, read at its canonical URL. */
export async function parsePage(r: Replica, path: string) {
  const { status, text } = await getText(r, path)
  if (status !== 200) throw new Error(`status ${status} for ${path}`)
  return { html: text, page: eurocities.parseListing(text, CANONICAL + path) }
}

/** Follow nextPage (pager or Load more) from page 1; every page's entries, in order. */
export async function crawlListing(r: Replica, first: string): Promise<{ paths: string[]; entries: ParsedEntry[]; pages: string[] }> {
  const paths: string[] = []
  const pages: string[] = []
  const entries: ParsedEntry[] = []
  let path: string | null = first
  while (path !== null) {
    const { html, page } = await parsePage(r, path)
    paths.push(path)
    pages.push(html)
    entries.push(...page.entries)
    if (page.nextPage !== null) expect(page.nextPage.startsWith(CANONICAL)).toBe(true)
    path = page.nextPage === null ? null : page.nextPage.slice(CANONICAL.length)
  }
  return { paths, entries, pages }
}
