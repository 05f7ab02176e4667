// The crawl queue's connection on real PostgreSQL: a job's completion stored through an outage that
// begins the moment its handler returns (pg-boss does not await that statement).
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createJobQueue, defineQueues } from '../../db/job-queue.ts'
import { admin, postgresServerUrl } from '../support/databases.ts'

const APPLICATION = 'eurowatch job-queue test'
const QUEUE = 'eurowatch-test-outage'
const OUTAGE_MS = 1500
const timing = { jobTimeoutSeconds: 60, retryLimit: 2, retryDelaySeconds: 1, maintenanceSeconds: 60 }

describe('the crawl queue on PostgreSQL', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('stores a job\'s completion when the connections are cut as its handler returns, without an unhandled rejection', async () => {
    const server = postgresServerUrl()
    const name = `eurowatch_test_${randomBytes(6).toString('hex')}`
    await admin(server, `create database ${name}`)
    cleanups.push(() => admin(server, `drop database if exists ${name} with (force)`))
    const url = new URL(server)
    url.pathname = `/${name}`

    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    cleanups.push(async () => {
      process.off('unhandledRejection', onUnhandled)
    })

    const boss = await createJobQueue(url.toString(), { migrate: true, supervise: false, timing, applicationName: APPLICATION })
    const errors: Error[] = []
    boss.on('error', (error: Error) => errors.push(error))
    await boss.start()
    cleanups.push(() => boss.stop({ graceful: false, wait: true }))
    await defineQueues(boss, timing)
    await boss.createQueue(QUEUE, { name: QUEUE, policy: 'standard' })
    const jobId = await boss.send(QUEUE, { step: 1 })

    let outage: Promise<void> | undefined
    await boss.work(QUEUE, { pollingIntervalSeconds: 0.5 }, async () => {
      // no new connection to the database, and the queue's own ones ended: its completion fails
      await admin(server, `alter database ${name} allow_connections false`)
      await admin(server, `select pg_terminate_backend(pid) from pg_stat_activity where datname = '${name}' and application_name = '${APPLICATION}'`)
      outage = sleep(OUTAGE_MS).then(() => admin(server, `alter database ${name} allow_connections true`))
    })

    // read through the outage too: a failed read is tried again
    const job = await vi.waitFor(
      async () => {
        const found = outage === undefined ? null : await boss.getJobById(QUEUE, jobId as string)
        if (found?.state !== 'completed') throw new Error(`job not completed yet (${found?.state ?? 'not taken'})`)
        return found
      },
      { timeout: 20_000, interval: 100 },
    )
    await outage
    expect(job.state).toBe('completed')
    expect(errors.length).toBeGreaterThan(0)
    expect(unhandled).toEqual([])
  })
})

