import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load.ts'
import { UserError } from '../../domain/errors.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'eurowatch-config-'))
  dirs.push(dir)
  writeFileSync(join(dir, 'eurowatch.yaml'), text)
  return join(dir, 'eurowatch.yaml')
}

/** Nine levels of ten aliases each: 10^9 strings once expanded. */
function aliasBomb(): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]']
  for (let level = 1; level < 9; level++) lines.push(`a${level}: &a${level} [${Array.from({ length: 10 }, () => `*a${level - 1}`).join(', ')}]`)
  return `${lines.join('\n')}\nsources: []\n`
}

describe('loadConfig', () => {
  it('refuses a YAML alias bomb as a user error naming the file', () => {
    const file = configFile(aliasBomb())
    expect(() => loadConfig(file)).toThrow(UserError)
    expect(() => loadConfig(file)).toThrow(`${file}: invalid YAML: its aliases expand too far`)
  })

  it('still takes a few anchors and aliases', () => {
    const file = configFile('sources:\n  - name: a\n    profile: &p eurocities-legacy\n    url: http://example.org/a\n  - name: b\n    profile: *p\n    url: http://example.org/b\n')
    expect(loadConfig(file).config.sources.map((source) => source.profile)).toEqual(['eurocities-legacy', 'eurocities-legacy'])
  })
})

describe('loadConfig: HTTP header values', () => {
  const source = 'sources:\n  - name: a\n    profile: eurocities-legacy\n    url: http://example.org/a\n'

  it.each([
    ['a CR LF', '"eurowatch\\r\\nX-Injected: 1"'],
    ['a lone LF', '"eurowatch\\nbot"'],
    ['a NUL', '"eurowatch\\0bot"'],
    ['a control character', '"eurowatch\\x7fbot"'],
    ['a character past U+00FF', '"eurowatch ✓"'],
  ])('refuses a User-Agent with %s in one line naming the key', (_, userAgent) => {
    const file = configFile(`politeness:\n  userAgent: ${userAgent}\n${source}`)
    expect(() => loadConfig(file)).toThrow(UserError)
    expect(() => loadConfig(file)).toThrow(`${file}:2: politeness.userAgent: cannot be sent as the HTTP User-Agent header`)
  })

  it('takes a User-Agent Node sends as it is', () => {
    const file = configFile(`politeness:\n  userAgent: "eurowatch/1.0 (+https://example.org/bot; café\\tmonitor)"\n${source}`)
    expect(loadConfig(file).config.politeness.userAgent).toBe('eurowatch/1.0 (+https://example.org/bot; café\tmonitor)')
  })
})
