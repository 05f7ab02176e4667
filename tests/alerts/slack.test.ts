// The Slack channel against a real receiver on loopback standing in for an incoming webhook:
// Block Kit within Slack's limits, a long digest split whole, hostile site text inert, retries.
import { afterEach, describe, expect, it } from 'vitest'
import type { Alert } from '../../domain/alert.ts'
import { deliveryFailure } from '../support/failure.ts'
import type { ChangeEvent } from '../../domain/change.ts'
import { buildReport } from '../../domain/change-report.ts'
import { SlackChannelSchema } from '../../src/config/schema.ts'
import { SLACK_LIMITS, slackChannel, type SlackMessage } from '../../src/alerts/slack.ts'
import { AT, LISTING, event, run2, sampleReport, snapshot } from '../reports/events.ts'
import { startWebhookReceiver, times, type Script, type WebhookReceiver } from '../support/webhook-receiver.ts'

// an incoming webhook's path is its token
const TOKEN_PATH = '/services/tsecret01/bsecret02/xoxsecrettoken'
const QUICK = { baseDelayMs: 10, maxDelayMs: 50, partIntervalMs: 5 }

const receivers: WebhookReceiver[] = []
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()))
})

async function receiver(script: Script = []): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver({ script, okBody: 'ok' })
  receivers.push(started)
  return started
}

function channel(hook: WebhookReceiver, options: { attempts?: number; timeoutSeconds?: number } = {}) {
  const config = SlackChannelSchema.parse({ type: 'slack', url: hook.url(TOKEN_PATH), timeoutSeconds: options.timeoutSeconds ?? 5 })
  return slackChannel(config, options.attempts ?? 3, QUICK)
}

function alert(overrides: Partial<Alert> = {}): Alert {
  return { key: 'eurowatch-21-77ab01', subscription: 'analysts', kind: 'changes', cadence: 'immediate', report: sampleReport(), notices: [], createdAt: AT, history: [], ...overrides }
}

function digest(events: ChangeEvent[]): Alert {
  return alert({ cadence: 'digest', report: buildReport(events, [], [run2], { runIds: [2] }, AT) })
}

function messagesOf(hook: WebhookReceiver): SlackMessage[] {
  return hook.accepted().map((request) => JSON.parse(request.text) as SlackMessage)
}

function textsOf(message: SlackMessage): string[] {
  return message.blocks.flatMap((block) => (block.type === 'context' ? block.elements.map((e) => e.text) : [block.text.text]))
}

function sectionsOf(message: SlackMessage): string[] {
  return message.blocks.flatMap((block) => (block.type === 'section' ? [block.text.text] : []))
}

describe('slackChannel', () => {
  it('posts one Block Kit message with the changes, linked, and the alert key', async () => {
    const hook = await receiver()
    await channel(hook).send(alert())
    expect(hook.requests).toHaveLength(1)
    expect(hook.requests[0]?.headers['content-type']).toBe('application/json')
    expect(hook.uniqueKeys()).toEqual(['eurowatch-21-77ab01'])
    const [message] = messagesOf(hook)
    expect(message?.text).toBe('eurowatch: 4 changes for analysts')
    expect(message?.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'eurowatch: 4 changes for analysts', emoji: false } })
    const text = sectionsOf(message as SlackMessage).join('\n')
    expect(text).toContain('<http://www.eurocities.eu/eurocities/documents/Entry-1-WSPO-000001|Entry 1>')
    expect(text).toContain('summary: The city of ~Ghent~ *Antwerp* launched a *new* plan *today*.')
    expect(text).toContain('themes: +mobility −economy')
    expect(textsOf(message as SlackMessage).join('\n')).not.toMatch(/part \d/)
  })

  it('splits a digest of 300 events into messages within Slack limits, every entry whole in exactly one', async () => {
    const hook = await receiver()
    const long = 'A long title about urban mobility, social innovation and the energy transition in European cities'
    const events = Array.from({ length: 300 }, (_, i) => {
      const n = i + 1
      return n % 3 === 0
        ? event(n, 'changed', snapshot(n, { title: `${long} ${n}` }), {
            changes: [
              { field: 'title', before: `Old title ${n}`, after: `${long} ${n}` },
              { field: 'summary', before: `Summary of entry ${n}.`, after: `A new summary of entry ${n}, rewritten.` },
            ],
          })
        : event(n, 'new', snapshot(n, { title: `${long} ${n}` }))
    })
    await channel(hook).send(digest(events))
    const messages = messagesOf(hook)
    expect(messages.length).toBeGreaterThan(3)
    expect(hook.requests).toHaveLength(messages.length)
    expect(hook.uniqueKeys()).toHaveLength(messages.length)
    messages.forEach((message, index) => {
      expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage)
      const [header] = message.blocks
      expect(header?.type === 'header' && header.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerChars)
      for (const section of sectionsOf(message)) expect(section.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionChars)
      expect(textsOf(message).join('').length).toBeLessThanOrEqual(SLACK_LIMITS.messageChars)
      expect(textsOf(message).join('\n')).toContain(`part ${index + 1} of ${messages.length}`)
      expect(message.text).toContain(`(part ${index + 1} of ${messages.length})`)
    })
    const sections = messages.flatMap(sectionsOf)
    for (let n = 1; n <= 300; n++) {
      const link = `Entry-${n}-WSPO-${String(n).padStart(6, '0')}|`
      const holding = sections.filter((section) => section.includes(link))
      expect(holding, `entry ${n}`).toHaveLength(1)
      expect(holding[0]?.split(link)).toHaveLength(2)
      const rest = holding[0]?.split(link)[1] ?? ''
      expect(rest.startsWith(`${long} ${n}>`)).toBe(true)
      if (n % 3 === 0) expect(rest).toMatch(new RegExp(`^[^\\n]*\\n {6}title: Old title ${n} → ${long} ${n}\\n {6}summary: [^\\n]*rewritten`))
    }
  })

  it('posts only the parts not yet accepted when a digest is sent again after a part failed', async () => {
    const hook = await receiver([undefined, { status: 500 }])
    const events = Array.from({ length: 300 }, (_, i) => event(i + 1, 'new', snapshot(i + 1, { summary: 'x'.repeat(200) })))
    const slack = channel(hook, { attempts: 1 })
    const error = await deliveryFailure(slack.send(digest(events)))
    expect(error.retryable).toBe(true)
    expect(error.message).toMatch(/answered 500 Internal Server Error \(1 try\) \(part 2 of \d+\)$/)
    await slack.send(digest(events))
    const keys = hook.accepted().map((request) => request.idempotencyKey)
    expect(keys.length).toBeGreaterThan(2)
    expect(new Set(keys).size).toBe(keys.length)
    expect(hook.requests).toHaveLength(keys.length + 1)
  })

  it('makes hostile titles, summaries and links inert', async () => {
    const hook = await receiver()
    const hostile = [
      '<!channel> wins the prize',
      '*bold* claim',
      '<http://evil.example|click here>',
      '<script>alert(1)</script>',
      '\u001b[31mred\u001b[0m alert\u001b]0;title\u0007',
      'two\nlines\r\nof\ttitle',
      '<@U123ABC> and <#C123|general> and <!subteam^S1>',
      '_it_ ~strike~ `code` ```block```',
      '&lt;already&gt; & more',
      '\u202eevil reversed\u202c',
    ]
    const events = hostile.map((title, i) => event(i + 1, 'new', snapshot(i + 1, { title, type: '*type*', themes: ['<!here>'] })))
    events.push(event(20, 'new', snapshot(20, { title: 'scripted link', url: 'javascript:alert(1)' })))
    events.push(
      event(21, 'changed', snapshot(21), {
        changes: [{ field: 'summary', before: 'calm words', after: 'calm <!everyone> *loud* \u001b[31mwords\u001b[0m' }],
      }),
    )
    await channel(hook).send(digest(events))
    const body = hook.requests.map((request) => request.text).join('\n')
    expect(body).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/)
    const [message] = messagesOf(hook)
    const texts = textsOf(message as SlackMessage)
    const all = texts.join('\n')
    for (const block of (message as SlackMessage).blocks) if (block.type !== 'header') expect(JSON.stringify(block)).toContain('"verbatim":true')
    // the only <…> are our links to the entries' http(s) URLs
    const tokens = all.match(/<[^>]*>/g) ?? []
    expect(tokens).toHaveLength(hostile.length + 1)
    for (const token of tokens) expect(token).toMatch(/^<http:\/\/www\.eurocities\.eu\/eurocities\/documents\/Entry-\d+-WSPO-\d{6}\|[^<>]*>$/)
    expect(all).not.toMatch(/<!|<@|<#|<script|<http:\/\/evil|javascript:alert\(1\)>|\|scripted link>/)
    expect(all).toContain('&lt;!channel&gt; wins the prize')
    expect(all).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(all).toContain('&lt;http://evil.example|click here&gt;')
    expect(all).toContain('&amp;lt;already&amp;gt; &amp; more')
    expect(all).toContain('red alert')
    expect(all).not.toMatch(/0;title|\[31m|\[0m/)
    expect(all).toContain('two lines of title')
    expect(all).toContain('scripted link (javascript:alert(1))')
    expect(all).toContain('&lt;!here&gt;')
    // no formatting of the site's: * _ ~ ` arrive only as look-alikes, ours hug our own words
    const ours = all.replace(/\*[a-z-]+\* · (New|Changed) \(\d+\)/g, '').replace('*&lt;!everyone&gt; ∗loud∗*', '')
    expect(ours).not.toMatch(/[*_~`]/)
    expect(all).toContain('∗bold∗ claim')
    expect(all).toContain('ˍitˍ ∼strike∼ ˋcodeˋ')
    expect(all).toContain('summary: calm *&lt;!everyone&gt; ∗loud∗* words')
  })

  it('tells a change seen on two listings once, naming both, and counts baseline entries without listing them', async () => {
    const hook = await receiver()
    const news = { source: 'news', url: 'http://www.eurocities.eu/eurocities/news' }
    const events = [
      event(1, 'new', snapshot(1), { seenOn: [{ listing: LISTING, position: 1 }, { listing: news, position: 4 }] }),
      event(2, 'new', snapshot(2), { baseline: true }),
      event(3, 'new', snapshot(3), { baseline: true }),
    ]
    await channel(hook).send(digest(events))
    const [message] = messagesOf(hook)
    const text = sectionsOf(message as SlackMessage).join('\n')
    expect(text.split('Entry-1-WSPO-000001|')).toHaveLength(2)
    expect(text).toContain('|Entry 1> · news · 2019-10-23 · culture, economy · seen on: social-innovation, news')
    expect(text).not.toContain('Entry-2-WSPO')
    expect(textsOf(message as SlackMessage).join('\n')).toContain('baseline: 2 entries (1 listing watched from now on)')
  })

  it('lists the notices of an operator alert', async () => {
    const hook = await receiver()
    const empty = buildReport([], [], [run2], { runIds: [2] }, AT)
    const notices = [
      { problem: 'health:news:no-entries', state: 'open' as const, listing: { source: 'news', url: 'http://www.eurocities.eu/eurocities/news' }, message: 'no entries on <b>page 1</b>', since: AT, occurrences: 3 },
      { problem: 'dead:mobility-mail', state: 'resolved' as const, listing: null, message: 'delivered again', since: AT, occurrences: 1 },
    ]
    await channel(hook).send(alert({ kind: 'operator', report: empty, notices }))
    const [message] = messagesOf(hook)
    expect(message?.text).toBe('eurowatch: 2 operator notices')
    const text = sectionsOf(message as SlackMessage).join('\n')
    expect(text).toContain('*Open:* health:news:no-entries · <http://www.eurocities.eu/eurocities/news|news>')
    expect(text).toContain('no entries on &lt;b&gt;page 1&lt;/b&gt; (since 2026-11-26 12:05 UTC, 3 runs)')
    expect(text).toContain('*Resolved:* dead:mobility-mail')
  })

  it('says a test alert is a test', async () => {
    const hook = await receiver()
    await channel(hook).send(alert({ kind: 'test' }))
    const [message] = messagesOf(hook)
    expect(message?.text).toBe('eurowatch: a test alert for analysts')
    expect(sectionsOf(message as SlackMessage)[0]).toMatch(/^\*This is a test\.\*/)
  })

  it.each([
    ['hangs past the timeout once', [{ delayMs: 10_000 }], 2],
    ['answers 500 three times', times(3, { status: 500 }), 4],
    ['closes the connection once', [{ destroy: true as const }], 2],
    ['answers 429 with Retry-After', [{ status: 429, retryAfter: '1' }], 2],
  ])('delivers once through a webhook that %s, with one Idempotency-Key', async (_name, script, tries) => {
    const hook = await receiver(script)
    await channel(hook, { attempts: tries, timeoutSeconds: 0.5 }).send(alert())
    expect(hook.requests).toHaveLength(tries)
    expect(hook.uniqueKeys()).toEqual(['eurowatch-21-77ab01'])
    expect(hook.accepted()).toHaveLength(1)
  })

  it('fails for good on a 404 channel_not_found, naming neither path nor token', async () => {
    const hook = await receiver(() => ({ status: 404, body: 'channel_not_found' }))
    const slack = channel(hook, { attempts: 3 })
    const error = await deliveryFailure(slack.send(alert()))
    expect(error.retryable).toBe(false)
    expect(error.message).toBe(`slack ${hook.url('')}: answered 404 channel_not_found`)
    expect(slack.description).toBe(`slack ${hook.url('')}/…`)
    expect(hook.requests).toHaveLength(1)
  })

  it('hands a Retry-After beyond the cap to the outbox', async () => {
    const hook = await receiver([{ status: 429, retryAfter: '900' }])
    const error = await deliveryFailure(channel(hook).send(alert()))
    expect(error.retryable).toBe(true)
    expect(error.retryAfterMs).toBe(900_000)
    expect(error.message).not.toMatch(/secret|services/)
    expect(hook.requests).toHaveLength(1)
  })
})
