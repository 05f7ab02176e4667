import { randomUUID } from 'node:crypto'
import type { Command } from 'commander'
import { DeliveryError, OPERATOR, type Alert } from '../../../domain/alert.ts'
import { buildReport } from '../../../domain/change-report.ts'
import type { ChangeEvent } from '../../../domain/change.ts'
import { UserError } from '../../../domain/errors.ts'
import { closeOutbox, outboxOf } from '../../alerts/subscribers.ts'
import { loadCliConfig } from '../config-file.ts'

/** Sends one sample alert through the named channel; needs no database. */
export default async function alertsTest(name: string, _raw: unknown, command: Command): Promise<void> {
  const loaded = loadCliConfig(command)
  const { config } = loaded
  const isOperator = name === 'operator'
  if (isOperator ? config.operator === undefined : !config.subscriptions.some((s) => s.name === name)) {
    const known = [...config.subscriptions.map((s) => s.name), ...(config.operator ? ['operator'] : [])]
    throw new UserError(`alerts test: no subscription named "${name}"`, known.length ? `configured: ${known.join(', ')}` : 'the configuration has no subscriptions')
  }
  const outbox = outboxOf(config, loaded.baseDir)
  try {
    const subscriber = outbox.subscribers.find((s) => s.name === name)
    const channel = isOperator ? outbox.operator : (subscriber?.channel ?? null)
    if (channel === null) throw new UserError(`alerts test: no channel for "${name}"`)
    const alert = sampleAlert(isOperator ? OPERATOR : name, subscriber?.cadence.kind ?? 'immediate')
    try {
      await channel.send(alert)
    } catch (error) {
      if (error instanceof DeliveryError) throw new UserError(`alerts test ${name}: ${channel.description}: ${error.message}`, error.retryable ? 'the receiver may be down: try again' : 'the receiver refused it: check the channel settings')
      throw error
    }
    process.stdout.write(`sent a test message to ${channel.sampleDescription ?? channel.description} (key ${alert.key})\n`)
  } finally {
    await closeOutbox(outbox)
  }
}

function sampleAlert(subscription: string, cadence: 'immediate' | 'digest'): Alert {
  const now = new Date()
  const event: ChangeEvent = {
    id: 0,
    runId: 0,
    kind: 'new',
    listing: { source: 'eurowatch-test', url: 'https://eurocities.eu/latest/' },
    seenOn: [{ listing: { source: 'eurowatch-test', url: 'https://eurocities.eu/latest/' }, position: 1 }],
    baseline: false,
    entry: {
      key: 'https://eurocities.eu/latest/eurowatch-test-message/',
      url: 'https://eurocities.eu/latest/eurowatch-test-message/',
      title: 'eurowatch test message: your alerts reach you',
      type: 'Test',
      date: now.toISOString().slice(0, 10),
      endDate: null,
      themes: ['test'],
      summary: 'This sample entry was sent by `eurowatch alerts test`. It is not a change of any listing.',
      documentType: null,
    },
    changes: [],
    detectedAt: now,
  }
  return {
    key: `eurowatch-test-${randomUUID()}`,
    subscription,
    kind: 'test',
    cadence,
    report: buildReport([event], [], [], { runIds: [] }, now),
    notices: [],
    createdAt: now,
    history: [],
  }
}
