// The replica and crawl settings the end-to-end tests share: one replica per test file, on a free port.
import { afterAll, beforeAll } from 'vitest'
import { pino } from 'pino'
import type { CrawlSettings } from '../../crawlers/listing-crawl.ts'
import { OriginMap } from '../../crawlers/origin-map.ts'
import { replicaHosts } from '../../src/config/defaults.ts'
import { startReplica, type Replica, type ReplicaOptions } from '../../replica/index.ts'

export const silentLog = pino({ level: 'silent' })

/** Starts the replica before the file's tests and closes it after; returns a getter. */
export function useReplica(options: ReplicaOptions = {}): () => Replica {
  let replica: Replica | undefined
  beforeAll(async () => {
    replica = await startReplica({ port: 0, ...options })
  })
  afterAll(async () => {
    await replica?.close()
  })
  return () => {
    if (replica === undefined) throw new Error('useReplica: no replica outside the tests')
    return replica
  }
}

/** Polite defaults made quick for loopback: no per-host delay, short retry waits; every replica host mapped to it. */
export function replicaCrawlSettings(replica: Replica, overrides: Partial<CrawlSettings> = {}): CrawlSettings {
  return {
    userAgent: 'eurowatch-test/1 (+https://example.org/eurowatch)',
    respectRobotsTxt: true,
    perHostDelaySeconds: 0,
    maxConcurrency: 4,
    maxRetries: 1,
    retryBaseDelaySeconds: 0.01,
    maxRetryAfterSeconds: 1,
    timeoutSeconds: 5,
    maxResponseBytes: 2_000_000,
    origins: new OriginMap(replicaHosts, replica.origin),
    ...overrides,
  }
}
