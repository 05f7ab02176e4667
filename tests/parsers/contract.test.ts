// Every profile over its fixture: the invariants the crawl and the diff rely on, whatever the site.
import { readFileSync } from 'node:fs'
import { describe, it, expect } from 'vitest'
import { profileIds, profiles, resolveProfile, SELECTORS_PROFILE_ID } from '../../parsers/index.ts'
import { parseSelectorsConfig, type SelectorsConfig } from '../../parsers/selectors-config.ts'
import { readFixture } from '../support/fixtures.ts'

const local = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')

interface Case {
  profile: string
  selectors?: SelectorsConfig
  html: string
  pageUrl: string
}

const cases: Case[] = [
  {
    profile: 'eurocities-legacy',
    html: readFixture('legacy/social-innovation-issue.html'),
    pageUrl: 'http://www.eurocities.eu/eurocities/issues/social-innovation-issue',
  },
  { profile: 'eurocities', html: local('eurocities/latest-2026.html'), pageUrl: 'https://eurocities.eu/latest/' },
  { profile: 'eurocities', html: local('eurocities/category-2024.html'), pageUrl: 'https://eurocities.eu/latest_categories/publications/page/2/' },
  {
    profile: 'selectors',
    selectors: parseSelectorsConfig({ entry: '.results > article.result', title: 'h3.result-title', date: 'time', dateAttribute: 'datetime' }),
    html: local('selectors/third-network.html'),
    pageUrl: 'https://www.urban-net.example/news/',
  },
]

describe('profile contract', () => {
  it('covers every profile', () => {
    expect(new Set(cases.map((c) => c.profile))).toEqual(new Set(profileIds))
  })

  it('lists for the configuration check exactly the profiles there are', () => {
    expect(profileIds).toEqual([...profiles.map((profile) => profile.id), SELECTORS_PROFILE_ID])
  })

  describe.each(cases)('$profile over $pageUrl', ({ profile, selectors, html, pageUrl }) => {
    const page = resolveProfile(profile, selectors).parseListing(html, pageUrl)

    it('yields entries with absolute, unique URLs and unique keys', () => {
      expect(page.entries.length).toBeGreaterThan(0)
      for (const entry of page.entries) expect(new URL(entry.url).href).toBe(entry.url)
      expect(new Set(page.entries.map((e) => e.url)).size).toBe(page.entries.length)
      expect(new Set(page.entries.map((e) => e.key)).size).toBe(page.entries.length)
      if (page.nextPage !== null) expect(new URL(page.nextPage).href).toBe(page.nextPage)
    })

    it('gives ISO dates between 1990 and 2100', () => {
      const dates = page.entries.flatMap((e) => [e.date, e.endDate]).filter((d): d is string => d !== null)
      expect(dates.length).toBeGreaterThan(0)
      for (const date of dates) {
        expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/)
        expect(new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10)).toBe(date)
        expect(date >= '1990-01-01' && date < '2100-01-01').toBe(true)
      }
    })
  })
})
