// The configuration's subscriptions and operator channel, made ready to send: each channel
// opened once per process, each filter compiled, each digest's cron and time zone settled.
import { isAbsolute, resolve } from 'node:path'
import { DateTime } from 'luxon'
import type { AlertChannel } from '../../domain/alert.ts'
import { SITE_TIME_ZONE } from '../../domain/site-zone.ts'
import { compileFilter } from '../../domain/subscription.ts'
import type { Outbox, Subscriber } from '../../jobs/deliver.ts'
import type { ChannelConfig, Config, SubscriptionConfig } from '../config/schema.ts'
import { emailChannel } from './email.ts'
import { feedFileChannel } from './feed-file.ts'
import { slackChannel } from './slack.ts'
import { webhookChannel } from './webhook.ts'

// a digest of thousands of changes goes out as several messages of this many
const EVENTS_PER_MESSAGE = 500

/** Every subscription of the configuration, and the operator's channel, ready to send. */
export function outboxOf(config: Config, baseDir: string): Outbox {
  return {
    subscribers: config.subscriptions.map((subscription) => subscriberOf(subscription, config, baseDir)),
    operator: config.operator ? openChannel(config.operator.channel, config, baseDir) : null,
    retry: { maxAttempts: config.delivery.maxAttempts, retryBaseSeconds: config.delivery.retryBaseSeconds, maxRetrySeconds: config.delivery.maxRetrySeconds },
  }
}

export function subscriberOf(subscription: SubscriptionConfig, config: Config, baseDir: string): Subscriber {
  const cadence = subscription.digest === undefined
    ? ({ kind: 'immediate' } as const)
    : ({ kind: 'digest', cron: subscription.digest, timeZone: subscription.timeZone ?? SITE_TIME_ZONE } as const)
  return {
    name: subscription.name,
    matches: compileFilter(subscription.filter ?? {}),
    cadence,
    // a webhook told at once hears of each change in its own request; everything else gets them together
    eventsPerMessage: subscription.channel.type === 'webhook' && cadence.kind === 'immediate' ? 1 : EVENTS_PER_MESSAGE,
    channel: openChannel(subscription.channel, config, baseDir),
    // midnight in the site's time zone, as `report --since` reads a date
    since: subscription.since === undefined ? null : DateTime.fromISO(subscription.since, { zone: SITE_TIME_ZONE }).toJSDate(),
  }
}

export function openChannel(channel: ChannelConfig, config: Config, baseDir: string): AlertChannel {
  const { sendAttempts } = config.delivery
  switch (channel.type) {
    case 'email': {
      // the schema refuses an email channel without the smtp block
      const smtp = config.smtp as NonNullable<Config['smtp']>
      return emailChannel({ ...smtp, caFile: smtp.caFile === undefined ? undefined : within(baseDir, smtp.caFile) }, channel)
    }
    case 'webhook':
      return webhookChannel(channel, sendAttempts)
    case 'slack':
      return slackChannel(channel, sendAttempts)
    case 'feed':
      return feedFileChannel(channel, within(baseDir, channel.path))
  }
}

/** Closes what the channels hold open (SMTP connections). */
export async function closeOutbox(outbox: Outbox): Promise<void> {
  const channels = [...outbox.subscribers.map((subscriber) => subscriber.channel), ...(outbox.operator ? [outbox.operator] : [])]
  await Promise.all(channels.map((channel) => channel.close?.()))
}

/** A path of the configuration (a feed, the caFile): relative ones lie beside the configuration file. */
export function within(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path)
}
