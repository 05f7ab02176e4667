// A webhook alert: the JSON report (docs/report-json.md) with the alert's identity, POSTed once per
// alert, signed when a secret is set. The receiver's contract is docs/webhook.md.
import { createHmac } from 'node:crypto'
import type { Alert, AlertChannel, OperatorNotice } from '../../domain/alert.ts'
import { describeEndpoint, postJson, type HttpPostTuning } from '../../channels/http-post.ts'
import type { WebhookChannelConfig } from '../config/schema.ts'
import { toReportJson, type ReportJson } from '../reports/json.ts'

export const SIGNATURE_HEADER = 'X-Eurowatch-Signature'

export interface WebhookBody extends ReportJson {
  alert: { key: string; subscription: string; kind: Alert['kind']; cadence: Alert['cadence']; createdAt: string }
  /** Operator alerts: the problems opened or resolved; empty otherwise. */
  notices: NoticeJson[]
}

export interface NoticeJson {
  problem: string
  state: OperatorNotice['state']
  listing: { source: string; url: string } | null
  message: string
  since: string
  occurrences: number
}

export function webhookChannel(config: WebhookChannelConfig, sendAttempts: number, tuning: Partial<HttpPostTuning> = {}): AlertChannel {
  return {
    description: describeEndpoint('webhook', config.url),
    // each request stands alone (its own key): a few at once, as a receiver of a busy site gets them
    concurrency: 4,
    async send(alert: Alert): Promise<void> {
      const body = Buffer.from(JSON.stringify(webhookBody(alert)), 'utf8')
      const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Idempotency-Key': alert.key }
      if (config.secret !== undefined) headers[SIGNATURE_HEADER] = signature(body, config.secret)
      await postJson({ url: config.url, body, headers, timeoutMs: config.timeoutSeconds * 1000, attempts: sendAttempts, label: 'webhook' }, tuning)
    },
  }
}

export function webhookBody(alert: Alert): WebhookBody {
  return {
    ...toReportJson(alert.report),
    alert: { key: alert.key, subscription: alert.subscription, kind: alert.kind, cadence: alert.cadence, createdAt: alert.createdAt.toISOString() },
    notices: alert.notices.map((notice) => ({
      problem: notice.problem,
      state: notice.state,
      listing: notice.listing === null ? null : { source: notice.listing.source, url: notice.listing.url },
      message: notice.message,
      since: notice.since.toISOString(),
      occurrences: notice.occurrences,
    })),
  }
}

/** "sha256=<hex HMAC-SHA256 of the exact body bytes>", as a receiver recomputes it. */
export function signature(body: Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}
