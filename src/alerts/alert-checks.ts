// `eurowatch doctor`'s checks of the alert channels, none of which sends anything: the SMTP
// server greets and logs in, a webhook's or Slack's host resolves and takes a connection (no
// request goes out), a feed's folder may be written. Secrets stay out: an URL shows its origin.
import { lookup } from 'node:dns/promises'
import { constants, type Stats } from 'node:fs'
import { access, lstat, stat } from 'node:fs/promises'
import { connect as connectTcp, type Socket } from 'node:net'
import { dirname } from 'node:path'
import { connect as connectTls } from 'node:tls'
import { targetRefusal } from '../../channels/file-target.ts'
import { createSmtpTransport, type SmtpSettings } from '../../channels/smtp.ts'
import { describeEndpoint } from '../../channels/http-post.ts'
import { DeliveryError } from '../../domain/alert.ts'
import { UserError } from '../../domain/errors.ts'

export type AlertCheckStatus = 'ok' | 'warn' | 'fail'

export interface AlertCheck {
  name: AlertTarget['kind']
  status: AlertCheckStatus
  detail: string
}

interface TargetBase {
  /** Who sends through it: 'subscription "desk"', 'operator', 'email channels'. */
  usedBy: string[]
  /** Environment variables its settings name that are not set: it is not checked then. */
  unset: string[]
}

export type AlertTarget =
  | (TargetBase & { kind: 'smtp'; settings: SmtpSettings })
  | (TargetBase & { kind: 'webhook' | 'slack'; url: string; timeoutSeconds: number })
  | (TargetBase & { kind: 'feed'; path: string })

export async function checkAlertTarget(target: AlertTarget): Promise<AlertCheck> {
  const users = target.usedBy.length > 0 ? ` (${target.usedBy.join(', ')})` : ''
  const check = (status: AlertCheckStatus, detail: string): AlertCheck => ({ name: target.kind, status, detail: `${detail}${users}` })
  // a placeholder stands for an unset value: nothing of it is shown
  if (target.unset.length > 0) return check('fail', `${target.kind === 'smtp' ? 'SMTP' : target.kind}: not checked, ${target.unset.join(', ')} not set`)
  const what = describeTarget(target)
  switch (target.kind) {
    case 'smtp': {
      const problem = await verifySmtp(target.settings)
      return problem === null ? check('ok', `${what}: greets, and accepts the TLS and login a send uses`) : check('fail', problem)
    }
    case 'webhook':
    case 'slack': {
      const outcome = await reachEndpoint(target.url, target.timeoutSeconds * 1000)
      return 'problem' in outcome ? check('fail', `${what}: ${outcome.problem}`) : check('ok', `${what}: resolves (${outcome.address}) and accepts a connection; nothing sent`)
    }
    case 'feed': {
      const outcome = await examineFeedPath(target.path)
      return check(outcome.status, `${what}: ${outcome.detail}`)
    }
  }
}

function describeTarget(target: AlertTarget): string {
  switch (target.kind) {
    case 'smtp':
      return `SMTP ${target.settings.host}:${target.settings.port}`
    case 'webhook':
    case 'slack':
      return describeEndpoint(target.kind, target.url)
    case 'feed':
      return `feed ${target.path}`
  }
}

/** nodemailer's verify: the connection, EHLO, STARTTLS and AUTH of a send, then QUIT; the message names no credential. */
async function verifySmtp(settings: SmtpSettings): Promise<string | null> {
  let transport
  try {
    transport = createSmtpTransport(settings)
  } catch (error) {
    if (error instanceof UserError) return error.message
    throw error
  }
  try {
    await transport.verify()
    return null
  } catch (error) {
    if (error instanceof DeliveryError) return error.message
    throw error
  } finally {
    await transport.close()
  }
}

/**
 * Resolves the URL's host and opens a connection to it as a POST would (TLS, with the certificate
 * checked, for https), then closes it before any request.
 */
async function reachEndpoint(url: string, timeoutMs: number): Promise<{ address: string } | { problem: string }> {
  const parsed = new URL(url)
  const host = parsed.hostname.replace(/^\[|\]$/g, '')
  // RFC 6761: .invalid never resolves, and a resolver should not be asked (it may ask the network)
  if (/(^|\.)invalid\.?$/i.test(host)) return { problem: `${host} does not resolve (a name under .invalid never does)` }
  let address: string
  try {
    address = (await lookup(host)).address
  } catch (error) {
    return { problem: `${host} does not resolve (${codeOf(error)})` }
  }
  const secure = parsed.protocol === 'https:'
  const port = Number(parsed.port || (secure ? 443 : 80))
  const problem = await openAndClose(secure ? () => connectTls({ host: address, port, servername: host, ALPNProtocols: ['http/1.1'] }) : () => connectTcp({ host: address, port }), secure, timeoutMs)
  return problem === null ? { address } : { problem: `${address} port ${port}: ${problem}` }
}

function openAndClose(open: () => Socket, secure: boolean, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = open()
    const finish = (problem: string | null) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(problem)
    }
    const timer = setTimeout(() => finish(`no connection within ${timeoutMs / 1000} s`), timeoutMs)
    socket.once(secure ? 'secureConnect' : 'connect', () => finish(null))
    socket.once('error', (error) => finish(`${secure ? 'TLS connection' : 'connection'} failed (${codeOf(error)})`))
  })
}

/** Its folder exists (or the first write creates it) and may be written, and the name is free or a regular file; creates nothing. */
async function examineFeedPath(path: string): Promise<{ status: AlertCheckStatus; detail: string }> {
  // the rule a delivery applies: a link, a directory, a pipe or a device there is never replaced
  const refusal = await targetRefusal(path)
  if (refusal !== null) return { status: 'fail', detail: `${refusal}: a delivery would refuse it` }
  const target = await statOrNull(path, lstat)
  if (target instanceof Error) return { status: 'fail', detail: `cannot be examined (${codeOf(target)})` }
  // the write creates missing folders (mkdir -p): the nearest one that exists must take them
  let folder = dirname(path)
  let missing = false
  for (;;) {
    const found = await statOrNull(folder, stat)
    if (found instanceof Error) return { status: 'fail', detail: `folder ${folder} cannot be examined (${codeOf(found)})` }
    if (found !== null) {
      if (!found.isDirectory()) return { status: 'fail', detail: `${folder} is not a folder` }
      break
    }
    missing = true
    if (dirname(folder) === folder) break
    folder = dirname(folder)
  }
  try {
    await access(folder, constants.W_OK | constants.X_OK)
  } catch (error) {
    return { status: 'fail', detail: `folder ${folder} is not writable (${codeOf(error)})` }
  }
  if (missing) return { status: 'warn', detail: `folder ${dirname(path)} does not exist yet: the first write creates it in ${folder}` }
  return { status: 'ok', detail: target === null ? 'folder writable; the first write creates the file' : 'folder writable; the file is replaced whole' }
}

async function statOrNull(path: string, examine: (path: string) => Promise<Stats>): Promise<Stats | null | Error> {
  try {
    return await examine(path)
  } catch (error) {
    const code = codeOf(error)
    if (code === 'ENOENT') return null
    return error instanceof Error ? error : new Error(code)
  }
}

function codeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code
  return error instanceof Error ? error.message : String(error)
}
