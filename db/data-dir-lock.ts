// The lock of a PGlite data directory: one process at a time opens it.
import { lstatSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname, join } from 'node:path'
import lockfile from 'proper-lockfile'
import { UserError } from '../domain/errors.ts'

// The holder touches the lock every UPDATE_MS; a lock untouched for STALE_MS is abandoned,
// unless its owner record names a process of this host that still runs (the same pid started at
// the same moment): a holder starved of CPU (PGlite creating its database on a loaded machine)
// may not touch its lock for longer than that, and is still the holder.
const UPDATE_MS = 2_000
const STALE_MS = 30_000

/** Data directories this process holds: its own pid in an owner record is no proof of life. */
const held = new Set<string>()

/**
 * Takes the lock of a PGlite data directory (`<dataDir>.lock`, a directory) before it is opened:
 * PGlite is one process's database, and two processes creating or opening one data directory
 * corrupt it. The lock stays fresh while its holder lives (proper-lockfile touches it); a
 * holder that died leaves a lock that is stale at once when its owner record names a process
 * of this host that is gone. A process of this host is told from a recycled pid (pid 1 in a
 * restarted container) by its start time; where that cannot be read (no /proc), or the owner is
 * of another host, the lock is stale once it is STALE_MS old. Returns its release.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = `${dataDir.replace(/\/+$/, '')}.lock`
  if (isFile(path)) rmSync(path) // a lock file of eurowatch 0.1, which knew only pids
  mkdirSync(dirname(path), { recursive: true })
  // removing the owner record changes the mtime: a touch in flight then must not cry foul
  let releasing = false
  const isReleasing = () => releasing
  let release: () => Promise<void>
  try {
    release = await takeLock(dataDir, path, isReleasing)
  } catch (error) {
    if (!isLockedError(error) || !ownerIsGone(path)) throw heldError(path, error)
    rmSync(path, { recursive: true, force: true })
    try {
      release = await takeLock(dataDir, path, isReleasing)
    } catch (again) {
      throw heldError(path, again)
    }
  }
  held.add(path)
  writeOwner(path)
  return async () => {
    releasing = true
    held.delete(path)
    rmSync(join(path, OWNER), { force: true })
    await release()
  }
}

const OWNER = 'owner.json'

/**
 * Who holds the lock, inside it. proper-lockfile tells a lock taken over by another process by
 * the directory's mtime, which a new file changes: the mtime it set is put back (all synchronous,
 * before its first touch).
 */
function writeOwner(path: string): void {
  const { atime, mtime } = statSync(path)
  const owner: LockOwner = { pid: process.pid, host: hostname(), started: processStartTime(process.pid) }
  writeFileSync(join(path, OWNER), `${JSON.stringify({ ...owner, since: new Date().toISOString() })}\n`)
  utimesSync(path, atime, mtime)
}

function takeLock(dataDir: string, path: string, isReleasing: () => boolean): Promise<() => Promise<void>> {
  return lockfile.lock(dataDir, {
    lockfilePath: path,
    realpath: false, // the data directory does not exist before the first run
    stale: STALE_MS,
    update: UPDATE_MS,
    retries: 0,
    onCompromised: (error) => {
      if (isReleasing()) return
      // another process took a lock this one could not keep fresh: stop before both write
      throw new Error(`lost the lock on ${dataDir} (${error.message}): stopping before two processes write one database`)
    },
  })
}

/** ELOCKED: held and fresh; ENOTEMPTY: stale by its age, but proper-lockfile cannot remove it with our owner record inside. */
function isLockedError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'ELOCKED' || code === 'ENOTEMPTY'
}

/**
 * True when the lock's owner is a process of this host that no longer runs (or a recycled pid),
 * or when the lock is stale by its age and its owner cannot be told alive: never while the very
 * process that took it still runs, however long it has not touched it.
 */
function ownerIsGone(path: string): boolean {
  const owner = readOwner(path)
  if (owner !== null && owner.host === hostname()) {
    if (owner.pid === process.pid) return !held.has(path)
    if (!isAlive(owner.pid)) return true
    const started = processStartTime(owner.pid)
    if (owner.started !== null && started !== null) return started !== owner.started
  }
  return Date.now() - statMtime(path) > STALE_MS
}

function heldError(path: string, cause: unknown): Error {
  if (!isLockedError(cause)) return cause instanceof Error ? cause : new Error(String(cause))
  const owner = readOwner(path)
  const who = owner === null ? 'another eurowatch process' : `another eurowatch process (pid ${owner.pid} on ${owner.host})`
  return new UserError(`${who} is using this database: ${path} is held`, `wait for it to finish, or stop it (a lock left by a killed process expires ${STALE_MS / 1000} s after it stopped)`)
}

interface LockOwner {
  pid: number
  host: string
  /** The process's start time in clock ticks since boot (Linux), null where it cannot be read. */
  started: string | null
}

function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(join(path, OWNER), 'utf8')) as { pid?: unknown; host?: unknown; started?: unknown }
    if (typeof owner.pid !== 'number' || typeof owner.host !== 'string') return null
    return { pid: owner.pid, host: owner.host, started: typeof owner.started === 'string' ? owner.started : null }
  } catch {
    // not written yet (its holder is between creating the lock and writing this), or removed
    return null
  }
}

function statMtime(path: string): number {
  try {
    return lstatSync(path).mtimeMs
  } catch {
    return Date.now()
  }
}

function isFile(path: string): boolean {
  try {
    return lstatSync(path).isFile()
  } catch {
    return false
  }
}

/** Field 22 of /proc/PID/stat, after the command name (which may hold spaces and parentheses). */
function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
  } catch {
    return null
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
