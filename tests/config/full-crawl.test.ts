import { describe, expect, it } from 'vitest'
import { ConfigSchema } from '../../src/config/schema.ts'
import { selectSources } from '../../src/cli/crawl-setup.ts'

const source = (name: string, extra: object = {}) => ({ name, profile: 'eurocities-legacy', url: `http://www.eurocities.eu/eurocities/${name}`, ...extra })

describe('the fullCrawl cadence', () => {
  it('is incremental between full crawls at least daily by default; one key set alone drops the default of the other', () => {
    const config = ConfigSchema.parse({ sources: [source('a'), source('b', { fullCrawl: { everyRuns: 1 } })] })
    expect(selectSources(config, undefined, undefined).map((s) => s.fullCrawl)).toEqual([
      { everyRuns: null, olderThanHours: 24 },
      { everyRuns: 1, olderThanHours: null },
    ])
  })

  it('takes the configuration-wide cadence, and a listing its own over it', () => {
    const config = ConfigSchema.parse({
      fullCrawl: { everyRuns: 24, olderThanHours: 48 },
      sources: [source('a'), source('b', { fullCrawl: { everyRuns: 6 } })],
    })
    expect(selectSources(config, undefined, undefined).map((s) => s.fullCrawl)).toEqual([
      { everyRuns: 24, olderThanHours: 48 },
      { everyRuns: 6, olderThanHours: 48 },
    ])
  })

  it('refuses a cadence of no runs, an unknown key, and a negative age', () => {
    expect(ConfigSchema.safeParse({ fullCrawl: { everyRuns: 0 }, sources: [source('a')] }).success).toBe(false)
    expect(ConfigSchema.safeParse({ fullCrawl: { every: 3 }, sources: [source('a')] }).success).toBe(false)
    expect(ConfigSchema.safeParse({ sources: [source('a', { fullCrawl: { olderThanHours: -1 } })] }).success).toBe(false)
  })
})
