// The alert part of the configuration: subscriptions, channels, ${ENV} references, each mistake one line.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { UserError } from '../../domain/errors.ts'
import { loadConfig } from '../../src/config/load.ts'

const SOURCES = `sources:
  - { name: news, profile: eurocities-legacy, url: 'http://www.eurocities.eu/eurocities/news' }
`

function load(yaml: string, env: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'eurowatch-config-'))
  const file = join(dir, 'eurowatch.yaml')
  writeFileSync(file, SOURCES + yaml)
  return { file, load: () => loadConfig(file, dir, env) }
}

function mistake(yaml: string, env: NodeJS.ProcessEnv = {}): string {
  const { load: read } = load(yaml, env)
  try {
    read()
  } catch (error) {
    expect(error).toBeInstanceOf(UserError)
    return (error as UserError).message
  }
  throw new Error('the configuration was accepted')
}

describe('subscriptions in the configuration', () => {
  it('reads channels, filters, digests and secrets from the environment', () => {
    const { load: read } = load(
      `smtp: { host: smtp.example.org, user: '\${SMTP_USER}', password: '\${SMTP_PASSWORD}', from: eurowatch@example.org }
subscriptions:
  - name: mobility-morning
    channel: { type: email, to: [analysts@example.org] }
    digest: '0 8 * * 1-5'
    filter: { themes: [Mobility], kinds: [new, changed], words: [tram] }
  - name: intranet
    channel: { type: webhook, url: '\${HOOK_URL}', secret: '\${HOOK_SECRET}' }
  - name: literal
    channel: { type: feed, path: 'feeds/$\${NAME}.atom' }
`,
      { SMTP_USER: 'mailer', SMTP_PASSWORD: 'pa55word', HOOK_URL: 'https://hooks.example.org/x', HOOK_SECRET: 'sixteen-chars-secret' },
    )
    const { config } = read()
    expect(config.smtp).toMatchObject({ user: 'mailer', password: 'pa55word', port: 587, starttls: 'required' })
    expect(config.subscriptions.map((s) => s.name)).toEqual(['mobility-morning', 'intranet', 'literal'])
    expect(config.subscriptions[0]).toMatchObject({ digest: '0 8 * * 1-5', filter: { themes: ['Mobility'], kinds: ['new', 'changed'] } })
    expect(config.subscriptions[1]?.channel).toMatchObject({ type: 'webhook', url: 'https://hooks.example.org/x', secret: 'sixteen-chars-secret' })
    expect(config.subscriptions[2]?.channel).toMatchObject({ path: 'feeds/${NAME}.atom' })
    expect(config.delivery).toEqual({ maxAttempts: 8, retryBaseSeconds: 60, maxRetrySeconds: 21600, sendAttempts: 3 })
  })

  it('names the file, line and key of a variable that is not set, never a value', () => {
    const message = mistake(`subscriptions:\n  - name: slack\n    channel: { type: slack, url: '\${SLACK_WEBHOOK_URL}' }\n`, { OTHER: 'x' })
    expect(message).toMatch(/eurowatch\.yaml:5: subscriptions\[0\]\.channel\.url: environment variable SLACK_WEBHOOK_URL is not set$/)
  })

  it('takes the addresses a local relay takes: user@localhost and single-label domains', () => {
    const { load: read } = load(`subscriptions:\n  - { name: a, channel: { type: email, to: [analyst@localhost, desk@relay, x@b.example.org] } }\nsmtp: { host: localhost, from: eurowatch@localhost }\n`)
    const [subscription] = read().config.subscriptions
    expect(subscription?.channel).toMatchObject({ type: 'email', to: ['analyst@localhost', 'desk@relay', 'x@b.example.org'] })
    for (const bad of ['analyst@', '@localhost', 'analyst@-relay', 'a b@localhost']) {
      expect(mistake(`subscriptions:\n  - { name: a, channel: { type: email, to: ['${bad}'] } }\nsmtp: { host: h, from: a@b.org }\n`), bad).toMatch(/channel\.to\[0\]: not an e-mail address$/)
    }
  })

  it('refuses each malformed setting in one line naming its key', () => {
    const cases: [string, RegExp][] = [
      [`subscriptions:\n  - { name: a, channel: { type: webhook, url: 'ftp://x' } }\n`, /subscriptions\[0\]\.channel\.url: must be an absolute http\(s\) URL/],
      [`subscriptions:\n  - { name: a, channel: { type: pigeon } }\n`, /subscriptions\[0\]\.channel\.type: type must be one of email, webhook, slack, feed/],
      [`subscriptions:\n  - { name: a, channel: { type: email, to: [x@y.org] } }\n`, /subscriptions\[0\]\.channel: an email channel needs the smtp block/],
      [`smtp: { host: h, port: 70000, from: a@b.org }\n`, /smtp\.port: /],
      [`smtp: { host: h, from: a@b.org, user: u }\n`, /smtp\.password: user and password go together/],
      [`subscriptions:\n  - { name: a, channel: { type: email, to: [nobody] } }\nsmtp: { host: h, from: a@b.org }\n`, /subscriptions\[0\]\.channel\.to\[0\]: not an e-mail address/],
      [`subscriptions:\n  - { name: a, digest: 'every morning', channel: { type: feed, path: f } }\n`, /subscriptions\[0\]\.digest: not a cron expression/],
      [`subscriptions:\n  - { name: a, timeZone: Mars/Base, channel: { type: feed, path: f } }\n`, /subscriptions\[0\]\.timeZone: not an IANA time zone/],
      [`subscriptions:\n  - { name: a, filter: { listings: [nope] }, channel: { type: feed, path: f } }\n`, /subscriptions\[0\]\.filter\.listings: no listing named "nope"/],
      [`subscriptions:\n  - { name: a, filter: { patterns: ['(unclosed'] }, channel: { type: feed, path: f } }\n`, /subscriptions\[0\]\.filter\.patterns\[0\]: not a regular expression/],
      [`subscriptions:\n  - { name: a, channel: { type: feed, path: f } }\n  - { name: b, filter: { patterns: [ok, '(a)\\1'] }, channel: { type: feed, path: f } }\n`, /subscriptions\[1\]\.filter\.patterns\[1\]: not a regular expression RE2 can match in linear time: invalid escape sequence: `\\1`/],
      [`subscriptions:\n  - { name: a, filter: { patterns: ['EU(?=ROPE)'] }, channel: { type: feed, path: f } }\n`, /subscriptions\[0\]\.filter\.patterns\[0\]: not a regular expression RE2 can match in linear time: invalid or unsupported Perl syntax: `\(\?=`/],
      [`subscriptions:\n  - { name: a, filter: { patterns: ['(?<!x)y'] }, channel: { type: feed, path: f } }\n`, /subscriptions\[0\]\.filter\.patterns\[0\]: not a regular expression RE2 can match in linear time/],
      [`subscriptions:\n  - { name: a, channel: { type: feed, path: f } }\n  - { name: a, channel: { type: feed, path: g } }\n`, /subscriptions\[1\]\.name: duplicate subscription name "a"/],
      [`subscriptions:\n  - { name: a, channel: { type: webhook, url: 'http://x/', secret: short } }\n`, /subscriptions\[0\]\.channel\.secret: at least 16 characters/],
      [`delivery: { maxAttempts: 0 }\n`, /delivery\.maxAttempts: /],
    ]
    for (const [yaml, expected] of cases) {
      const message = mistake(yaml)
      expect(message, yaml).toMatch(expected)
      expect(message.split('\n')).toHaveLength(1)
    }
  })

  it('never repeats a secret in its complaint about a malformed value', () => {
    const message = mistake(`subscriptions:\n  - { name: a, channel: { type: webhook, url: '\${HOOK_URL}' } }\n`, { HOOK_URL: 'not-a-url-but-a-secret-token-123' })
    expect(message).toContain('subscriptions[0].channel.url')
    expect(message).not.toContain('secret-token-123')
  })
})

describe("the README's alert configuration", () => {
  it('is a valid configuration as printed', async () => {
    const { readFileSync } = await import('node:fs')
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
    const section = readme.slice(readme.indexOf('## Alerts'))
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1]
    expect(yaml).toContain('subscriptions:')
    const sources = `  - { name: social-innovation, profile: eurocities-legacy, url: 'http://www.eurocities.eu/eurocities/issues/social-innovation-issue' }
  - { name: documents-social-affairs, profile: eurocities-legacy, url: 'http://www.eurocities.eu/eurocities/documents&sector=social-affairs' }
`
    const env = { SMTP_USER: 'u', SMTP_PASSWORD: 'p', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/X', WEBHOOK_SECRET: 'sixteen-characters!', OPS_WEBHOOK_URL: 'https://ops.example.org/hook' }
    const dir = mkdtempSync(join(tmpdir(), 'eurowatch-readme-'))
    const file = join(dir, 'eurowatch.yaml')
    writeFileSync(file, `sources:\n${sources}${yaml}`)
    const { config } = loadConfig(file, dir, env)
    expect(config.subscriptions.map((s) => [s.name, s.channel.type, s.digest ?? 'immediate'])).toEqual([
      ['mobility-morning', 'email', '0 8 * * 1-5'],
      ['newsroom', 'slack', 'immediate'],
      ['intranet', 'webhook', 'immediate'],
      ['reader', 'feed', 'immediate'],
    ])
    expect(config.subscriptions[2]?.filter?.patterns).toEqual(['homeless\\w*'])
  })
})
