// The lock of a PGlite data directory: held while its holder lives, free as soon as a killed
// holder is gone, and never held forever by a pid that happens to be alive.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { lockDataDir } from '../../db/data-dir-lock.ts'
import { UserError } from '../../domain/errors.ts'

const HOLDER = resolve(import.meta.dirname, 'support/hold-lock.ts')

let dir = ''
let dataDir = ''
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eurowatch-lock-'))
  dataDir = join(dir, '.eurowatch', 'pglite')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A process of its own holding the lock; resolves once it holds it. */
async function holder(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((done, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && done())
    child.once('exit', (code) => fail(new Error(`the holder exited with ${code}`)))
  })
  return child
}

/** A lock as a dead or unknown holder left it: its owner record and its age. */
function leftLock(owner: { pid: number; host: string; started?: string }, ageMs: number): void {
  const path = `${dataDir}.lock`
  mkdirSync(path, { recursive: true })
  writeFileSync(join(path, 'owner.json'), JSON.stringify(owner))
  const then = new Date(Date.now() - ageMs)
  utimesSync(path, then, then)
}

describe('the PGlite data directory lock', { timeout: 60_000 }, () => {
  it('is refused while another process holds it, and free at once after that process is SIGKILLed', async () => {
    const child = await holder()
    try {
      const refused = lockDataDir(dataDir)
      await expect(refused).rejects.toThrow(UserError)
      await expect(refused).rejects.toThrow(`another eurowatch process (pid ${child.pid} on ${hostname()}) is using this database`)
    } finally {
      child.kill('SIGKILL')
      await new Promise((done) => child.once('exit', done))
    }
    expect(existsSync(`${dataDir}.lock`)).toBe(true)
    const release = await lockDataDir(dataDir)
    await release()
    expect(existsSync(`${dataDir}.lock`)).toBe(false)
  })

  it('is not held forever by a live pid that is not the holder (a recycled pid, pid 1 in a restarted container)', async () => {
    leftLock({ pid: 1, host: hostname() }, 5_000)
    await expect(lockDataDir(dataDir)).rejects.toThrow('(pid 1 on')
    leftLock({ pid: 1, host: hostname() }, 31_000)
    await (await lockDataDir(dataDir))()
    // this very process, restarted with the pid of the one that held it
    leftLock({ pid: process.pid, host: hostname() }, 0)
    await (await lockDataDir(dataDir))()
  })

  it('stays with a holder that has not touched it for longer than the stale time but still runs (starved of CPU)', async () => {
    const child = await holder()
    try {
      child.kill('SIGSTOP') // a holder that gets no CPU: its lock ages untouched
      const longAgo = new Date(Date.now() - 120_000)
      utimesSync(`${dataDir}.lock`, longAgo, longAgo)
      await expect(lockDataDir(dataDir)).rejects.toThrow(`another eurowatch process (pid ${child.pid} on ${hostname()}) is using this database`)
    } finally {
      child.kill('SIGKILL')
      await new Promise((done) => child.once('exit', done))
    }
    await (await lockDataDir(dataDir))()
  })

  it('is free at once when its pid runs but was started after the lock was taken (a recycled pid)', async () => {
    const child = await holder()
    const recorded = JSON.parse(readFileSync(join(`${dataDir}.lock`, 'owner.json'), 'utf8')) as { started: string }
    child.kill('SIGKILL')
    await new Promise((done) => child.once('exit', done))
    // the same record, naming a process that runs (this one's parent) but started at another moment
    leftLock({ pid: process.ppid, host: hostname(), started: `${Number(recorded.started) + 1}` }, 0)
    await (await lockDataDir(dataDir))()
  })

  it('keeps a fresh lock of another host, and takes a lock file of eurowatch 0.1 over', async () => {
    leftLock({ pid: 4242, host: `not-${hostname()}` }, 1_000)
    await expect(lockDataDir(dataDir)).rejects.toThrow(`(pid 4242 on not-${hostname()})`)
    rmSync(`${dataDir}.lock`, { recursive: true })
    writeFileSync(`${dataDir}.lock`, `1 ${hostname()} 2026-11-26T12:00:00.000Z\n`)
    await (await lockDataDir(dataDir))()
  })

  it('lets one of two openers in a process have it', async () => {
    const results = await Promise.allSettled([lockDataDir(dataDir), lockDataDir(dataDir)])
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected'])
    for (const result of results) if (result.status === 'fulfilled') await result.value()
  })
})
