// allowedHosts: the hosts besides its own that a listing's next links and redirects may lead to.
import { describe, expect, it } from 'vitest'
import { selectSources } from '../../src/cli/crawl-setup.ts'
import { ConfigSchema, SourceSchema } from '../../src/config/schema.ts'

const source = { name: 'news', profile: 'eurocities-legacy', url: 'https://www.example.org/news' }

describe('allowedHosts of a source', () => {
  it('takes host names and addresses, with or without a port, as URLs spell them', () => {
    const parsed = SourceSchema.parse({ ...source, allowedHosts: ['Cdn.Example.org', '127.0.0.2', 'example.org:8080', '[::1]'] })
    expect(parsed.allowedHosts).toEqual(['cdn.example.org', '127.0.0.2', 'example.org:8080', '[::1]'])
  })

  it.each(['https://cdn.example.org', 'cdn.example.org/path', 'user@cdn.example.org', 'two words', ''])('refuses %j', (host) => {
    const result = SourceSchema.safeParse({ ...source, allowedHosts: [host] })
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]?.path).toEqual(['allowedHosts', 0])
  })

  it('reaches the crawl; none by default', () => {
    const config = ConfigSchema.parse({ sources: [{ ...source, allowedHosts: ['cdn.example.org'] }, { ...source, name: 'other' }] })
    expect(selectSources(config, undefined, undefined).map((selected) => selected.allowedHosts)).toEqual([['cdn.example.org'], []])
  })
})
