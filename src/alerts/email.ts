// An alert as an e-mail: a subject that counts, an HTML part and a plain-text part saying the
// same, and a Message-ID made from the alert's key, so that a re-sent alert is recognisably the
// same message to the reader's client (and to any receiver that dedupes by Message-ID).
import { createHash } from 'node:crypto'
import type { Alert, AlertChannel } from '../../domain/alert.ts'
import { describeScope, KIND_ORDER } from '../../domain/change-report.ts'
import { createSmtpTransport } from '../../channels/smtp.ts'
import type { EmailChannelConfig, SmtpConfig } from '../config/schema.ts'
import { formatTime } from '../reports/fields.ts'
import { siteLine } from '../reports/site-text.ts'
import { renderEmailHtml } from './email-html.ts'
import { renderEmailText, type EmailHeadline } from './email-text.ts'

/** Carries the alert's key, for a receiver or a person tracing one delivery. */
export const DELIVERY_HEADER = 'X-Eurowatch-Delivery'

export interface RenderedEmail {
  subject: string
  html: string
  text: string
}

export function emailChannel(smtp: SmtpConfig, channel: EmailChannelConfig): AlertChannel {
  const transport = createSmtpTransport(smtp)
  return {
    description: `email to ${channel.to.join(', ')}`,
    async send(alert) {
      const { subject, html, text } = renderEmail(alert, channel.subjectPrefix)
      await transport.send({
        messageId: emailMessageId(alert.key),
        from: smtp.from,
        to: channel.to,
        subject,
        html,
        text,
        // RFC 3834: no out-of-office replies to a machine's message
        headers: { [DELIVERY_HEADER]: alert.key, 'Auto-Submitted': 'auto-generated' },
      })
    },
    close: () => transport.close(),
  }
}

export function renderEmail(alert: Alert, subjectPrefix: string): RenderedEmail {
  const headline = headlineOf(alert)
  const subject = [siteLine(subjectPrefix), `${headline.summary}: ${headline.name}`].filter((part) => part !== '').join(' ')
  return { subject, html: renderEmailHtml(alert, headline, subject), text: renderEmailText(alert, headline) }
}

/** "<key@eurowatch.invalid>"; a key with characters a Message-ID cannot hold is hashed instead. */
export function emailMessageId(key: string): string {
  const local = /^[A-Za-z0-9._+-]{1,200}$/.test(key) ? key : `eurowatch-${createHash('sha256').update(key).digest('hex')}`
  return `<${local}@eurowatch.invalid>`
}

function headlineOf(alert: Alert): EmailHeadline {
  const name = siteLine(alert.subscription)
  const context = `${describeScope(alert.report.scope)} · ${formatTime(alert.createdAt)}`
  if (alert.kind === 'operator') {
    const open = alert.notices.filter((notice) => notice.state === 'open').length
    const resolved = alert.notices.length - open
    const summary = [open > 0 ? `${open} problem${open === 1 ? '' : 's'} open` : '', resolved > 0 ? `${resolved} resolved` : ''].filter(Boolean).join(', ') || 'no notices'
    return { label: 'eurowatch operator notices', name, summary, context: formatTime(alert.createdAt) }
  }
  const { counts, health } = alert.report
  const changes = KIND_ORDER.filter((kind) => counts[kind] > 0).map((kind) => `${counts[kind]} ${kind}`)
  if (health.length > 0) changes.push(`${health.length} health problem${health.length === 1 ? '' : 's'}`)
  const summary = `${alert.kind === 'test' ? 'test message, ' : ''}${changes.join(', ') || 'no changes'}`
  const label = alert.kind === 'test' ? 'eurowatch test message' : `eurowatch ${alert.cadence === 'digest' ? 'digest' : 'alert'}`
  return { label, name, summary, context }
}
