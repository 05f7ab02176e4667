// Sending one rendered e-mail over SMTP with nodemailer, and saying in a DeliveryError why it did
// not go: whether the same message could go later (a 4xx, a dropped connection, a timeout, TLS) or
// never will (a 5xx: an address, a login or the message refused). No message names the credentials.
import { readFileSync } from 'node:fs'
import { rootCertificates } from 'node:tls'
import type { NodemailerError } from 'nodemailer'
import type SMTPTransport from 'nodemailer/lib/smtp-transport'
import { DeliveryError } from '../domain/alert.ts'
import { UserError } from '../domain/errors.ts'

/** The smtp block of the configuration (src/config/schema.ts SmtpConfig), secrets resolved. */
export interface SmtpSettings {
  host: string
  port: number
  /** TLS from the first byte (port 465). */
  secure: boolean
  starttls: 'required' | 'opportunistic' | 'never'
  user?: string | undefined
  password?: string | undefined
  /** A PEM file of a certificate authority to trust beside the system's. */
  caFile?: string | undefined
  timeoutSeconds: number
}

export interface OutgoingMail {
  /** With the angle brackets: "<key@eurowatch.invalid>". */
  messageId: string
  from: string
  to: string[]
  subject: string
  html: string
  text: string
  headers?: Record<string, string>
}

export interface SmtpTransport {
  /** "SMTP smtp.example.org:587", never a credential. */
  readonly description: string
  /** Resolves once the server accepted the message for every recipient; else throws DeliveryError. */
  send(mail: OutgoingMail): Promise<void>
  /**
   * Connects, greets (EHLO), upgrades with STARTTLS and logs in as a send would, then quits
   * without a message; throws DeliveryError saying which step failed.
   */
  verify(): Promise<void>
  close(): Promise<void>
}

// Connection and recipient failures nodemailer raises without an SMTP reply: the next attempt may pass
const PASSING_FAILURES = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'ETLS', 'EPROTOCOL', 'EPROXY'])

/** A transport for the settings; throws UserError when the caFile cannot be read. */
export function createSmtpTransport(settings: SmtpSettings): SmtpTransport {
  const where = `${settings.host}:${settings.port}`
  const timeout = settings.timeoutSeconds * 1000
  const options = {
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    // opportunistic: STARTTLS when offered, and a failed upgrade is a failure, never a fallback to
    // plain text that would carry the password in the clear
    requireTLS: !settings.secure && settings.starttls === 'required',
    ignoreTLS: !settings.secure && settings.starttls === 'never',
    tls: settings.caFile === undefined ? {} : { ca: [...rootCertificates, readCaFile(settings.caFile)] },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    dnsTimeout: timeout,
    ...(settings.user !== undefined && settings.password !== undefined ? { auth: { user: settings.user, pass: settings.password } } : {}),
    logger: false,
  }
  // nodemailer (40 modules) is loaded by the first message, not by every run that may send none
  let transporter: ReturnType<typeof createTransporter> | undefined
  const transporterOf = () => (transporter ??= createTransporter(options))
  const redact = redactor([settings.user, settings.password])
  return {
    description: `SMTP ${where}`,
    async send(mail) {
      let refused: string[]
      try {
        const info = await (await transporterOf()).sendMail({
          messageId: mail.messageId,
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          html: mail.html,
          text: mail.text,
          headers: mail.headers ?? {},
          // a message of ours, no files or URLs to read into it
          disableFileAccess: true,
          disableUrlAccess: true,
        })
        refused = (info.rejectedErrors ?? []).map((rejection) => oneLine(rejection.response ?? rejection.message))
        if (refused.length === 0 && info.rejected.length > 0) refused = info.rejected.map(String)
      } catch (error) {
        throw deliveryError(error as NodemailerError, where, redact)
      }
      // the others have it: a retry would send them a second copy, and this address will not change its mind
      if (refused.length > 0) throw new DeliveryError(`SMTP ${where}: sent to the others, but refused: ${redact(refused.join('; '))}`, false)
    },
    async verify() {
      try {
        await (await transporterOf()).verify()
      } catch (error) {
        throw deliveryError(error as NodemailerError, where, redact)
      }
    },
    async close() {
      if (transporter !== undefined) (await transporter).close()
    },
  }
}

async function createTransporter(options: SMTPTransport.Options) {
  const { default: nodemailer } = await import('nodemailer')
  return nodemailer.createTransport(options)
}

function readCaFile(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw new UserError(`smtp.caFile ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
  }
}

/** The failure in one line: where, what nodemailer says, the server's reply; retryable unless a permanent reply or a login refused. */
export function deliveryError(error: NodemailerError, where: string, redact: (text: string) => string): DeliveryError {
  const code = error.code ?? 'ERROR'
  const parts = [oneLine(error.message)]
  // the refused recipients' replies and the last reply, unless the message already says them
  for (const said of [...(error.rejectedErrors ?? []).map((rejection) => rejection.response ?? rejection.message), error.response ?? '']) {
    const line = oneLine(said)
    if (line !== '' && !parts.some((part) => part.includes(line))) parts.push(line)
  }
  const step = error.command === undefined || error.command === 'API' ? '' : `, ${error.command === 'CONN' ? 'connection' : commandName(error.command)}`
  const message = `SMTP ${where}: ${redact(parts.join('; '))} (${code}${step})`
  return new DeliveryError(message, isRetryable(error, code))
}

function isRetryable(error: NodemailerError, code: string): boolean {
  // a TLS failure may carry the 5xx of a refused STARTTLS: the relay's setup, which may be mended
  if (PASSING_FAILURES.has(code)) return true
  const replies = [error.responseCode, ...(error.rejectedErrors ?? []).map((rejection) => rejection.responseCode)].filter((reply) => reply !== undefined)
  // 5xx refuses for good (503 only says the session was in the wrong state), 4xx asks to come back
  if (replies.length > 0) return !replies.some((reply) => reply >= 500 && reply !== 503)
  // no reply: missing credentials (ENOAUTH), an address nodemailer cannot send to, a bad setting
  return false
}

/** "AUTH PLAIN" rather than the command with its base64 credentials; "RCPT TO" rather than the address. */
function commandName(command: string): string {
  return command.split(/[\s:]/).slice(0, 2).filter(Boolean).join(' ').toUpperCase().slice(0, 20)
}

function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300)
}

/**
 * Removes the credentials, as given and base64-encoded (AUTH PLAIN and LOGIN send them so; a
 * server may echo them back), from a text.
 */
function redactor(secrets: (string | undefined)[]): (text: string) => string {
  const given = secrets.filter((secret): secret is string => secret !== undefined && secret !== '')
  const [user = '', password = ''] = secrets
  const base64 = (text: string) => Buffer.from(text).toString('base64').replace(/=+$/, '')
  const forms = [...given, ...given.map(base64), base64(`\u0000${user}\u0000${password}`)]
  const patterns = [...new Set(forms.filter((form) => form.length > 0))].sort((a, b) => b.length - a.length)
  return (text) => patterns.reduce((redacted, secret) => redacted.split(secret).join('[redacted]'), text)
}
