// The e-mail channel against a real SMTP server on loopback: what arrives (both parts, grouped,
// word diffs, links), the Message-ID a re-send keeps, TLS and AUTH, and failures as DeliveryError.
import { load } from 'cheerio'
import { afterEach, describe, expect, it } from 'vitest'
import { DeliveryError, type Alert } from '../../domain/alert.ts'
import { buildReport, type ChangeReport } from '../../domain/change-report.ts'
import type { EmailChannelConfig, SmtpConfig } from '../../src/config/schema.ts'
import { DELIVERY_HEADER, emailChannel, renderEmail } from '../../src/alerts/email.ts'
import { startSmtpServer, TEST_CA_FILE, type SmtpServerOptions, type TestSmtpServer } from '../support/smtp-server.ts'
import { AT, event, LISTING, run2, sampleReport, snapshot } from '../reports/events.ts'

const CHANNEL: EmailChannelConfig = { type: 'email', to: ['analysts@example.org', 'desk@example.org'], subjectPrefix: '[eurowatch]' }
const PASSWORD = 'correct-horse-battery'

const servers: TestSmtpServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function server(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const started = await startSmtpServer(options)
  servers.push(started)
  return started
}

function smtpFor(port: number, overrides: Partial<SmtpConfig> = {}): SmtpConfig {
  return { host: '127.0.0.1', port, secure: false, starttls: 'never', from: 'eurowatch@example.org', timeoutSeconds: 10, ...overrides }
}

function alertOf(report: ChangeReport, overrides: Partial<Alert> = {}): Alert {
  return { key: 'eurowatch-7-0a1b2c', subscription: 'mobility-digest', kind: 'changes', cadence: 'digest', report, notices: [], createdAt: AT, history: [], ...overrides }
}

/** Sends through a fresh channel, closes it; the error if the send failed. */
async function send(smtp: SmtpConfig, alert: Alert): Promise<DeliveryError | undefined> {
  const channel = emailChannel(smtp, CHANNEL)
  try {
    await channel.send(alert)
    return undefined
  } catch (error) {
    if (error instanceof DeliveryError) return error
    throw error
  } finally {
    await channel.close?.()
  }
}

/** Every tag name in the HTML part, to see that no site text became an element. */
function tagsOf(html: string): Set<string> {
  const $ = load(html)
  return new Set($('*').toArray().map((element) => String($(element).prop('tagName')).toLowerCase()))
}
const OUR_TAGS = ['html', 'head', 'meta', 'title', 'body', 'div', 'table', 'tr', 'td', 'tbody', 'span', 'strong', 'a', 'ins', 'del', 'code']

describe('the e-mail channel', () => {
  it('shows a change seen on several listings once, naming them all, in both parts', async () => {
    const smtp = await server()
    const news = { source: 'news', url: 'http://www.eurocities.eu/eurocities/news' }
    const publications = { source: 'publications', url: 'http://www.eurocities.eu/eurocities/publications' }
    const seenOn = [LISTING, news, publications].map((listing, index) => ({ listing, position: index + 1 }))
    const report = buildReport([event(1, 'new', snapshot(1), { seenOn }), event(2, 'changed', snapshot(2), { seenOn: seenOn.slice(1) })], [], [run2], { runIds: [2] }, AT)
    expect(await send(smtpFor(smtp.port), alertOf(report))).toBeUndefined()
    const mail = smtp.messages[0]?.parsed
    for (const part of [mail?.text ?? '', String(mail?.html)]) {
      expect(part.split('Entry-1-WSPO-000001')).toHaveLength(2)
      expect(part.split('Entry-2-WSPO-000002')).toHaveLength(2)
      expect(part).toContain('seen on: social-innovation, news, publications')
      expect(part).toContain('seen on: news, publications')
    }
  })

  it('delivers to the addresses of a local relay (user@localhost, a single-label domain)', async () => {
    const smtp = await server()
    const channel = emailChannel(smtpFor(smtp.port, { from: 'eurowatch@localhost' }), { ...CHANNEL, to: ['analyst@localhost', 'desk@relay'] })
    try {
      await channel.send(alertOf(sampleReport()))
    } finally {
      await channel.close?.()
    }
    expect(smtp.messages.map((message) => message.envelope)).toEqual([{ from: 'eurowatch@localhost', to: ['analyst@localhost', 'desk@relay'] }])
  })

  it('delivers a multipart message with the changes grouped by listing and kind, word diffs and links', async () => {
    const smtp = await server()
    const documents = { source: 'documents', url: 'http://www.eurocities.eu/eurocities/documents' }
    const report = buildReport(
      [...sampleReport().groups.flatMap((group) => group.kinds.flatMap((kind) => kind.events)), event(9, 'new', snapshot(9, { title: 'Housing report' }), { listing: documents })],
      [],
      [run2],
      { runIds: [2] },
      AT,
    )
    expect(await send(smtpFor(smtp.port), alertOf(report))).toBeUndefined()

    expect(smtp.messages).toHaveLength(1)
    const [received] = smtp.messages
    const mail = received!.parsed
    expect(received!.envelope).toEqual({ from: 'eurowatch@example.org', to: ['analysts@example.org', 'desk@example.org'] })
    expect(mail.subject).toBe('[eurowatch] 3 new, 1 changed, 1 removed: mobility-digest')
    expect(mail.headers.get(DELIVERY_HEADER.toLowerCase())).toBe('eurowatch-7-0a1b2c')
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' })
    expect(typeof mail.html).toBe('string')
    expect(mail.text).toBeTruthy()

    const $ = load(mail.html as string)
    // listings in source order, each with its kinds in order
    const headings = $('div')
      .toArray()
      .map((element) => $(element).clone().children().remove().end().text().trim())
      .filter((heading) => /^(documents|social-innovation|New \(\d\)|Changed \(\d\)|Removed \(\d\))$/.test(heading))
    expect(headings).toEqual(['documents', 'New (1)', 'social-innovation', 'New (2)', 'Changed (1)', 'Removed (1)'])
    expect($('del').toArray().map((element) => $(element).text())).toEqual(expect.arrayContaining(['Ghent', 'Old entry 3', '−economy']))
    expect($('ins').toArray().map((element) => $(element).text())).toEqual(expect.arrayContaining(['Antwerp', 'new', 'today', 'Entry 3', '+mobility']))
    expect($(`a[href="${snapshot(3).url}"]`).text()).toBe('Entry 3')
    expect($(`a[href="${LISTING.url}"]`).text()).toBe(LISTING.url)

    const text = mail.text as string
    expect(text.indexOf('== documents ==')).toBeLessThan(text.indexOf('== social-innovation =='))
    expect(text).toContain('summary: The city of [-Ghent-]{+Antwerp+} launched a {+new+} plan {+today+}.')
    expect(text).toContain('title: Old entry 3 → Entry 3')
    expect(text).toContain('themes: +mobility −economy')
    expect(text).toContain(snapshot(3).url)
  })

  it('gives a re-sent alert the same Message-ID, and another alert its own', async () => {
    const smtp = await server()
    const alert = alertOf(sampleReport())
    for (const sent of [alert, alert, { ...alert, key: 'eurowatch-8-ffee00' }]) expect(await send(smtpFor(smtp.port), sent)).toBeUndefined()

    const ids = smtp.messages.map((message) => message.parsed.messageId)
    expect(ids).toEqual(['<eurowatch-7-0a1b2c@eurowatch.invalid>', '<eurowatch-7-0a1b2c@eurowatch.invalid>', '<eurowatch-8-ffee00@eurowatch.invalid>'])
  })

  it('sends over STARTTLS with AUTH, trusting the server through caFile', async () => {
    const smtp = await server({ tls: 'starttls', auth: { user: 'mailer', password: PASSWORD } })
    expect(await send(smtpFor(smtp.port, { starttls: 'required', caFile: TEST_CA_FILE, user: 'mailer', password: PASSWORD }), alertOf(sampleReport()))).toBeUndefined()

    expect(smtp.messages.map(({ secure, user }) => ({ secure, user }))).toEqual([{ secure: true, user: 'mailer' }])
  })

  it('refuses to send in plain text when STARTTLS is required and the server has none', async () => {
    const smtp = await server({ tls: 'none' })
    const error = await send(smtpFor(smtp.port, { starttls: 'required' }), alertOf(sampleReport()))

    expect(error).toBeInstanceOf(DeliveryError)
    expect(error?.message).toContain(`127.0.0.1:${smtp.port}`)
    expect(error?.message).toContain('STARTTLS')
    expect(smtp.attempts).toBe(0)
  })

  it('fails for good on a wrong password, and never repeats the credentials even when the server does', async () => {
    const refusal = (user: string, password: string) => `no user ${user} with password ${password} (${Buffer.from(`\u0000${user}\u0000${password}`).toString('base64')})`
    const smtp = await server({ tls: 'starttls', auth: { user: 'mailer', password: PASSWORD, refusal } })
    const wrong = 'wrong-staple-2026'
    const error = await send(smtpFor(smtp.port, { starttls: 'required', caFile: TEST_CA_FILE, user: 'mailer', password: wrong }), alertOf(sampleReport()))

    expect(error).toBeInstanceOf(DeliveryError)
    expect(error?.retryable).toBe(false)
    expect(error?.message).toMatch(new RegExp(`^SMTP 127\\.0\\.0\\.1:${smtp.port}: .*535`))
    for (const secret of [wrong, 'mailer', Buffer.from(wrong).toString('base64').replace(/=+$/, ''), Buffer.from(`\u0000mailer\u0000${wrong}`).toString('base64').slice(0, 20)]) {
      expect(error?.message).not.toContain(secret)
      expect(error?.stack).not.toContain(secret)
    }
    expect(smtp.messages).toHaveLength(0)
  })

  it('fails retryably when nothing listens on the port', async () => {
    const closed = await startSmtpServer()
    await closed.close()
    const error = await send(smtpFor(closed.port), alertOf(sampleReport()))

    expect(error).toBeInstanceOf(DeliveryError)
    expect(error?.retryable).toBe(true)
    expect(error?.message).toContain(`127.0.0.1:${closed.port}`)
  })

  it('shows hostile titles, summaries and URLs as plain text in both parts', async () => {
    const smtp = await server()
    const hostile = ['<script>alert(1)</script>', '*bold* <!channel>', '\u001b[31mred', 'line one\nline two\r\n<b>three</b>', 'abc\u202Efdp.exe']
    const events = hostile.map((title, index) =>
      event(index + 1, 'new', snapshot(index + 1, { title, summary: `${title} "quoted" & more`, themes: [`<i>${index}</i>`] })),
    )
    events.push(event(10, 'new', snapshot(10, { title: 'Scheme', url: 'javascript:alert(document.cookie)' }), { listing: { source: '<img src=x onerror=alert(1)>', url: 'data:text/html,<script>alert(2)</script>' } }))
    events.push(
      event(11, 'changed', snapshot(11, { title: 'Diffed' }), {
        changes: [{ field: 'summary', before: 'plain words', after: 'plain <script>alert(3)</script>\u001b[2J words' }],
      }),
    )
    expect(await send(smtpFor(smtp.port), alertOf(buildReport(events, [], [run2], { runIds: [2] }, AT)))).toBeUndefined()

    const mail = smtp.messages[0]!.parsed
    const html = mail.html as string
    const text = mail.text as string
    const $ = load(html)
    expect([...tagsOf(html)].filter((tag) => !OUR_TAGS.includes(tag))).toEqual([])
    expect($('[onerror]').length).toBe(0)
    const titles = $('a').toArray().map((element) => $(element).text())
    expect(titles).toEqual(expect.arrayContaining(['<script>alert(1)</script>', '*bold* <!channel>', 'red', 'line one line two <b>three</b>', 'abcfdp.exe']))
    expect($('a[href^="javascript:"], a[href^="data:"]').length).toBe(0)
    expect($.root().text()).toContain('javascript:alert(document.cookie)')
    expect($('ins').text()).toContain('<script>alert(3)</script>')

    for (const part of [html, text]) expect(part).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202e]/)
    expect(html).not.toMatch(/<script|<img|<b>|<i>/i)
    expect(text).toContain('+ <script>alert(1)</script>')
    expect(text).toContain('+ *bold* <!channel>')
    expect(text).toContain('+ line one line two <b>three</b>')
    expect(text).toContain('<script>alert(1)</script> "quoted" & more')
    expect(text.split('\n').some((line) => line.startsWith('line two'))).toBe(false)
    expect(text).toContain('javascript:alert(document.cookie)')
  })
})

describe('what an alert e-mail says', () => {
  it('lists an operator message\'s notices, open and resolved', () => {
    const report = buildReport([], [], [], { runIds: [] }, AT)
    const alert = alertOf(report, {
      kind: 'operator',
      subscription: 'operator',
      notices: [
        { problem: 'health:documents:layout', state: 'open', listing: { source: 'documents', url: 'http://www.eurocities.eu/eurocities/documents' }, message: 'the listing lost its entries', since: new Date('2026-11-20T06:00:00Z'), occurrences: 3 },
        { problem: 'dead:mobility-mail', state: 'resolved', listing: null, message: 'deliveries to mobility-mail go out again', since: new Date('2026-11-25T06:00:00Z'), occurrences: 1 },
      ],
    })
    const email = renderEmail(alert, '[eurowatch]')

    expect(email.subject).toBe('[eurowatch] 1 problem open, 1 resolved: operator')
    expect(email.text).toContain('[OPEN] the listing lost its entries')
    expect(email.text).toContain('since 2026-11-20 06:00 UTC, seen in 3 runs')
    expect(email.text).toContain('[RESOLVED] deliveries to mobility-mail go out again')
    const $ = load(email.html)
    expect($.root().text()).toContain('health:documents:layout')
    expect($.root().text()).toContain('seen in 1 run')
    expect($('a[href="http://www.eurocities.eu/eurocities/documents"]').text()).toBe('documents')
  })

  it('says that a test message is a test', () => {
    const email = renderEmail(alertOf(sampleReport(), { kind: 'test' }), '')

    expect(email.subject).toBe('test message, 2 new, 1 changed, 1 removed: mobility-digest')
    expect(email.text).toContain('This is a test message')
    expect(load(email.html).root().text()).toContain('This is a test message')
  })

  it('mentions entries recorded as the baseline of new listings, without counting them as news', () => {
    const events = [event(1, 'new', snapshot(1)), event(2, 'new', snapshot(2), { baseline: true }), event(3, 'new', snapshot(3), { baseline: true })]
    const email = renderEmail(alertOf(buildReport(events, [], [run2], { runIds: [2] }, AT)), '[eurowatch]')

    expect(email.subject).toBe('[eurowatch] 1 new: mobility-digest')
    expect(email.text).toContain('baseline: 2 entries (1 listing watched from now on)')
    expect(email.text).not.toContain('Entry 2')
    expect(load(email.html).root().text()).toContain('baseline: 2 entries (1 listing watched from now on)')
  })

  it('says when there is nothing to tell', () => {
    expect(renderEmail(alertOf(buildReport([], [], [run2], { runIds: [2] }, AT)), '[ew]').subject).toBe('[ew] no changes: mobility-digest')
  })
})
