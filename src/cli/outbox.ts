// The configured outbox for a verb: its channels opened for the verb's life, closed after it.
import type { Outbox } from '../../jobs/deliver.ts'
import type { LoadedConfig } from '../config/load.ts'
import { closeOutbox, outboxOf } from '../alerts/subscribers.ts'

/** Runs `work` with the configuration's outbox, or null when nothing subscribes and no operator channel is set. */
export async function withOutbox<T>(loaded: LoadedConfig, work: (outbox: Outbox | null) => Promise<T>): Promise<T> {
  const { config } = loaded
  if (config.subscriptions.length === 0 && config.operator === undefined) return work(null)
  const outbox = outboxOf(config, loaded.baseDir)
  try {
    return await work(outbox)
  } finally {
    await closeOutbox(outbox)
  }
}
