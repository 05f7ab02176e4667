// What a configuration may not carry, refused through the real CLI when it loads: one line naming
// the key, exit 2, no stack. A pattern RE2 cannot match in linear time (a backreference, a
// lookaround) and an HTTP header value Node would refuse at every request of a run.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, useWorkDir } from './support/cli.ts'

const SOURCES = 'sources:\n  - name: a\n    profile: eurocities-legacy\n    url: http://example.org/a\n'
const FEED = 'channel: { type: feed, path: feed.xml }'

describe('configuration refusals through the CLI', { timeout: 300_000 }, () => {
  const workDir = useWorkDir('eurowatch-config-refusals-')

  it.each([
    ['a backreference', `${SOURCES}subscriptions:\n  - { name: a, ${FEED} }\n  - { name: b, ${FEED} }\n  - { name: c, filter: { patterns: ['(\\w+) \\1'] }, ${FEED} }\n`, /^eurowatch: \S+eurowatch\.yaml:8: subscriptions\[2\]\.filter\.patterns\[0\]: not a regular expression RE2 can match in linear time: invalid escape sequence: `\\1`/],
    ['a lookahead', `${SOURCES}subscriptions:\n  - { name: a, filter: { patterns: [ok, '(?!x)y'] }, ${FEED} }\n`, /^eurowatch: \S+eurowatch\.yaml:6: subscriptions\[0\]\.filter\.patterns\[1\]: not a regular expression RE2 can match in linear time: invalid or unsupported Perl syntax/],
    ['a User-Agent with CR LF', `politeness:\n  userAgent: "eurowatch\\r\\nX-Injected: 1"\n${SOURCES}`, /^eurowatch: \S+eurowatch\.yaml:2: politeness\.userAgent: cannot be sent as the HTTP User-Agent header/],
  ])('refuses %s in one line, exit 2', async (_, yaml, line) => {
    writeFileSync(join(workDir(), 'eurowatch.yaml'), yaml)
    const result = await runCli(workDir(), ['sources'])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr.trim().split('\n')[0]).toMatch(line)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })
})
