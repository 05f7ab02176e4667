// What the outbox hands a channel to send, and how a channel says that a send failed.
import type { ChangeReport, ListingRef } from './change-report.ts'
import type { ChangeEvent } from './change.ts'

/** The name the operator's messages go under (subscription names cannot start with @). */
export const OPERATOR = '@operator'

/** A problem the operator hears about once when it opens and once when it is resolved. */
export interface OperatorNotice {
  /** Stable name of the problem, e.g. "health:documents:layout" or "dead:mobility-mail". */
  problem: string
  state: 'open' | 'resolved'
  listing: ListingRef | null
  /** One line for a person: what is wrong (or that it is fixed). */
  message: string
  /** When the problem was first seen. */
  since: Date
  /** Runs in which it was seen so far. */
  occurrences: number
}

/**
 * One message of one subscription: a batch of its deliveries, or the operator's notices, or the
 * sample of `eurowatch alerts test`. Re-sent after a crash with the same key, so a receiver that
 * dedupes (Idempotency-Key, Message-ID) sees it once.
 */
export interface Alert {
  /** The idempotency key: stable for this message across re-sends, also once rebuilt from the same data ("eurowatch-<subscription>-<digest>"). */
  key: string
  subscription: string
  kind: 'changes' | 'operator' | 'test'
  /** 'immediate' sends after every run, 'digest' on the subscription's cron. */
  cadence: 'immediate' | 'digest'
  /** The changes to tell, grouped as in every report (empty groups for an operator message). */
  report: ChangeReport
  /** Operator messages only. */
  notices: OperatorNotice[]
  createdAt: Date
  /**
   * For channels that show a window of changes (a feed file): the subscription's newest
   * delivered changes, this message's included, newest first. Empty unless the channel asks.
   */
  history: ChangeEvent[]
}

/** A send that did not reach the receiver, or that it refused. */
export class DeliveryError extends Error {
  override name = 'DeliveryError'
  constructor(
    message: string,
    /** false: the same message will never be accepted (400, 401, 404, an address refused): no retry. */
    readonly retryable: boolean,
    /** The receiver asked for this pause before the next attempt (Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(message)
  }
}

/** Something that delivers an alert to people or systems; it throws DeliveryError when it could not. */
export interface AlertChannel {
  /** e.g. "email to analysts@example.org", "webhook https://hooks.example.org/…" (never a secret). */
  readonly description: string
  /** Messages it may send at once (default 1: one after the other, in order). */
  readonly concurrency?: number
  /** How many of the newest delivered changes each alert's `history` should carry (0: none). */
  readonly historyItems?: number
  /** Where `alerts test` puts its sample, when not where alerts go (a feed's sample file beside the live one). */
  readonly sampleDescription?: string
  send(alert: Alert): Promise<void>
  /**
   * A channel whose output stands between alerts (a feed file): writes it from the subscription's
   * delivered history (newest first) when it is missing, after every run; leaves it alone otherwise.
   */
  restore?(history: () => Promise<ChangeEvent[]>, at: Date): Promise<void>
  close?(): Promise<void>
}
