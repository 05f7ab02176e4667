// The SMTP transport against real servers on loopback: which failures may pass on a later try
// (a 4xx, a dropped connection, a silent server, an untrusted certificate) and which never will (a 5xx).
import { createServer, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { DeliveryError } from '../../domain/alert.ts'
import { UserError } from '../../domain/errors.ts'
import { createSmtpTransport, type OutgoingMail, type SmtpSettings } from '../../channels/smtp.ts'
import { startSmtpServer, TEST_CA_FILE, type SmtpServerOptions, type TestSmtpServer } from '../support/smtp-server.ts'

const MAIL: OutgoingMail = {
  messageId: '<eurowatch-1-abc@eurowatch.invalid>',
  from: 'eurowatch@example.org',
  to: ['analysts@example.org'],
  subject: 'subject',
  html: '<p>hello</p>',
  text: 'hello',
}

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()))
})

async function server(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const started = await startSmtpServer(options)
  closers.push(() => started.close())
  return started
}

function settings(port: number, overrides: Partial<SmtpSettings> = {}): SmtpSettings {
  return { host: '127.0.0.1', port, secure: false, starttls: 'never', timeoutSeconds: 10, ...overrides }
}

async function sendOnce(options: SmtpSettings, mail: OutgoingMail = MAIL): Promise<DeliveryError | undefined> {
  const transport = createSmtpTransport(options)
  try {
    await transport.send(mail)
    return undefined
  } catch (error) {
    if (error instanceof DeliveryError) return error
    throw error
  } finally {
    await transport.close()
  }
}

describe('the SMTP transport', () => {
  it('retries a 4xx: the same message goes through on the next try', async () => {
    const smtp = await server({ rejectMessages: { times: 1, code: 451, message: 'greylisted, try again' } })
    const first = await sendOnce(settings(smtp.port))

    expect(first?.retryable).toBe(true)
    expect(first?.message).toContain('451 greylisted, try again')
    expect(await sendOnce(settings(smtp.port))).toBeUndefined()
    expect(smtp.attempts).toBe(2)
    expect(smtp.messages).toHaveLength(1)
  })

  it('gives up on a 5xx: the message refused', async () => {
    const smtp = await server({ rejectMessages: { times: 1, code: 554, message: 'content rejected' } })
    const error = await sendOnce(settings(smtp.port))

    expect(error?.retryable).toBe(false)
    expect(error?.message).toContain('554 content rejected')
  })

  it('gives up on a refused address, and names it', async () => {
    const smtp = await server({ rejectRecipients: ['gone@example.org'] })
    const error = await sendOnce(settings(smtp.port), { ...MAIL, to: ['gone@example.org'] })

    expect(error?.retryable).toBe(false)
    expect(error?.message).toContain('550 mailbox gone@example.org unavailable')
  })

  it('does not resend to the others when one address of several is refused', async () => {
    const smtp = await server({ rejectRecipients: ['gone@example.org'] })
    const error = await sendOnce(settings(smtp.port), { ...MAIL, to: ['analysts@example.org', 'gone@example.org'] })

    expect(error?.retryable).toBe(false)
    expect(error?.message).toContain('gone@example.org')
    expect(smtp.messages.map((message) => message.envelope.to)).toEqual([['analysts@example.org']])
  })

  it('retries when the connection drops in the middle of a message', async () => {
    const smtp = await server({ dropConnections: { times: 1 } })
    const error = await sendOnce(settings(smtp.port))

    expect(error?.retryable).toBe(true)
    expect(smtp.attempts).toBe(1)
    expect(smtp.messages).toHaveLength(0)
  })

  it('gives up waiting for a server that never greets, retryably', async () => {
    const silent: Server = createServer(() => {})
    const sockets = new Set<Socket>()
    silent.on('connection', (socket) => sockets.add(socket))
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done))
    closers.push(async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((done) => silent.close(() => done()))
    })
    const port = (silent.address() as { port: number }).port
    const error = await sendOnce(settings(port, { timeoutSeconds: 0.3 }))

    expect(error?.retryable).toBe(true)
    expect(error?.message).toContain('ETIMEDOUT')
  })

  it('speaks TLS from the first byte with secure, trusting the server through caFile', async () => {
    const smtp = await server({ tls: 'implicit' })
    expect(await sendOnce(settings(smtp.port, { secure: true, caFile: TEST_CA_FILE }))).toBeUndefined()
    expect(smtp.messages[0]?.secure).toBe(true)
  })

  it('refuses a certificate it does not trust, retryably', async () => {
    const smtp = await server({ tls: 'starttls' })
    const error = await sendOnce(settings(smtp.port, { starttls: 'opportunistic' }))

    expect(error?.retryable).toBe(true)
    expect(error?.message).toContain(`127.0.0.1:${smtp.port}`)
    expect(smtp.attempts).toBe(0)
  })

  it('uses STARTTLS when offered under opportunistic, and plain text under never', async () => {
    const offering = await server({ tls: 'starttls' })
    const plain = await server({ tls: 'none' })
    expect(await sendOnce(settings(offering.port, { starttls: 'opportunistic', caFile: TEST_CA_FILE }))).toBeUndefined()
    expect(await sendOnce(settings(plain.port, { starttls: 'opportunistic' }))).toBeUndefined()
    expect(await sendOnce(settings(offering.port, { starttls: 'never' }))).toBeUndefined()

    expect(offering.messages.map((message) => message.secure)).toEqual([true, false])
    expect(plain.messages.map((message) => message.secure)).toEqual([false])
  })

  it('names a caFile it cannot read as the user\'s mistake', () => {
    expect(() => createSmtpTransport(settings(25, { caFile: '/nonexistent/ca.pem' }))).toThrow(UserError)
    expect(() => createSmtpTransport(settings(25, { caFile: '/nonexistent/ca.pem' }))).toThrow('smtp.caFile /nonexistent/ca.pem')
  })

  it('fails for good when the server wants a login and none is configured', async () => {
    const smtp = await server({ auth: { user: 'mailer', password: 'secret-password' } })
    const error = await sendOnce(settings(smtp.port))

    expect(error?.retryable).toBe(false)
    expect(error?.message).toContain('530')
  })
})
