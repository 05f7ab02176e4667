// A real SMTP receiver on loopback for the alert tests: plain, STARTTLS or implicit TLS with the test
// certificate (tests/fixtures/tls), AUTH when asked, and faults on demand (replies that refuse the
// first messages, a connection dropped mid-message). Keeps what it accepted, parsed by mailparser.
import { readFileSync } from 'node:fs'
import type { Socket } from 'node:net'
import { resolve } from 'node:path'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server'

const TLS_DIR = resolve(import.meta.dirname, '../fixtures/tls')
/** The certificate authority that signed the server's certificate: give it to the client as smtp.caFile. */
export const TEST_CA_FILE = resolve(TLS_DIR, 'ca.pem')

export interface SmtpServerOptions {
  /** none (default): plain text only; starttls: offers STARTTLS; implicit: TLS from the first byte (smtp.secure). */
  tls?: 'none' | 'starttls' | 'implicit'
  /**
   * AUTH required with these credentials (PLAIN or LOGIN; over plain text too, as a local relay
   * might). `refusal`: the text of the 535 reply to a wrong login (a careless server may repeat what it got).
   */
  auth?: { user: string; password: string; refusal?: (user: string, password: string) => string }
  /** The first `times` messages are refused after their data with this reply (e.g. 451 or 554). */
  rejectMessages?: { times: number; code: number; message?: string }
  /** These recipients are refused at RCPT TO with 550. */
  rejectRecipients?: string[]
  /** The first `times` messages are read whole, then their connection is destroyed before any reply. */
  dropConnections?: { times: number }
}

export interface ReceivedMessage {
  envelope: { from: string; to: string[] }
  /** The user that authenticated, if any. */
  user: string | undefined
  /** The session ran over TLS (STARTTLS or implicit). */
  secure: boolean
  raw: Buffer
  parsed: ParsedMail
}

export interface TestSmtpServer {
  host: '127.0.0.1'
  port: number
  /** Messages accepted (answered 250), in order of arrival. */
  messages: ReceivedMessage[]
  /** Messages whose data arrived, accepted or not (refused and dropped ones too). */
  readonly attempts: number
  /** Resolves once `count` messages have been accepted (the test's timeout bounds the wait). */
  waitForMessages(count: number): Promise<ReceivedMessage[]>
  close(): Promise<void>
}

export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const tls = options.tls ?? 'none'
  const messages: ReceivedMessage[] = []
  const waiters: { count: number; resolve: (received: ReceivedMessage[]) => void }[] = []
  const sockets = new Map<number, Socket>()
  let attempts = 0

  const accept = (message: ReceivedMessage): void => {
    messages.push(message)
    for (const waiter of waiters.filter((w) => messages.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1)
      waiter.resolve(messages.slice())
    }
  }

  const onData = async (stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> => {
    const raw = await readAll(stream)
    attempts += 1
    if (options.dropConnections !== undefined && attempts <= options.dropConnections.times) {
      sockets.get(session.remotePort)?.destroy()
      return
    }
    if (options.rejectMessages !== undefined && attempts <= options.rejectMessages.times) {
      const { code, message = code >= 500 ? 'message refused' : 'try again later' } = options.rejectMessages
      throw Object.assign(new Error(message), { responseCode: code })
    }
    accept({
      envelope: { from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((rcpt) => rcpt.address) },
      user: typeof session.user === 'string' ? session.user : undefined,
      secure: session.secure,
      raw,
      parsed: await simpleParser(raw),
    })
  }

  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    secure: tls === 'implicit',
    hideSTARTTLS: tls !== 'starttls',
    // hidden is not enough: the command would still upgrade with the package's own certificate
    disabledCommands: tls === 'starttls' ? [] : ['STARTTLS'],
    ...(tls === 'none' ? {} : { key: readFileSync(resolve(TLS_DIR, 'server-key.pem')), cert: readFileSync(resolve(TLS_DIR, 'server.pem')) }),
    authOptional: options.auth === undefined,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    closeTimeout: 1000,
    onAuth(auth, _session, callback) {
      const { user, password, refusal } = options.auth ?? {}
      const given = { user: auth.username ?? '', password: auth.password ?? '' }
      if (user !== undefined && given.user === user && given.password === password) callback(null, { user })
      else callback(Object.assign(new Error(refusal?.(given.user, given.password) ?? 'authentication credentials invalid'), { responseCode: 535 }))
    },
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipients?.includes(address.address)) callback(Object.assign(new Error(`mailbox ${address.address} unavailable`), { responseCode: 550 }))
      else callback()
    },
    onData(stream, session, callback) {
      onData(stream, session).then(
        () => callback(),
        (error: Error) => callback(error),
      )
    },
  })
  // the raw sockets by client port, to drop one mid-message as a crashed relay would
  server.server.on('connection', (socket: Socket) => {
    const port = socket.remotePort
    if (port === undefined) return
    sockets.set(port, socket)
    socket.on('close', () => sockets.delete(port))
  })
  // a client that hangs up mid-session is an 'error' of the server: the tests look at what arrived
  server.on('error', () => {})

  await new Promise<void>((done, fail) => {
    server.server.once('error', fail)
    server.listen(0, '127.0.0.1', () => done())
  })
  const address = server.server.address()
  if (address === null || typeof address === 'string') throw new Error('the SMTP server has no TCP port')

  return {
    host: '127.0.0.1',
    port: address.port,
    messages,
    get attempts() {
      return attempts
    },
    waitForMessages(count) {
      if (messages.length >= count) return Promise.resolve(messages.slice())
      return new Promise((resolve) => waiters.push({ count, resolve }))
    },
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done())
        for (const socket of sockets.values()) socket.destroy()
      }),
  }
}

async function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
