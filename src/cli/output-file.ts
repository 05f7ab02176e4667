// Where a long output goes: standard output, or a file written beside its target and renamed
// over it once complete. An export interrupted at any point (a signal, a full disk, a kill)
// leaves the target as it was: the old file or none, never half of a new one.
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Writable } from 'node:stream'
import { UserError } from '../../domain/errors.ts'

export interface Output {
  /** Resolves once the chunks are taken; waits while the stream is full (memory stays flat). */
  write(chunks: Uint8Array | string | readonly Uint8Array[]): Promise<void>
  /** Flushes, syncs and renames the file into place. */
  commit(): Promise<void>
  /** Removes what was written; the target is untouched. */
  abort(): Promise<void>
  bytes(): number
}

export async function openOutput(path: string | null): Promise<Output> {
  if (path === null) return streamOutput(process.stdout, async () => undefined)
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`)
  // up to 8 MB waits for the disk while the export reads on; past that the export waits (measured:
  // at the default 16 KB, an export of 10,000 pages spent half its time waiting to write)
  const stream = createWriteStream(temporary, { flags: 'wx', highWaterMark: 8 << 20 })
  try {
    await once(stream, 'open')
  } catch (error) {
    throw new UserError(`--output: cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'give a file in a folder that exists and is writable')
  }
  const output = streamOutput(stream, async () => {
    stream.end()
    await once(stream, 'close')
    // on disk before it takes the target's name: a crash after the rename finds the whole file
    const file = await open(temporary, 'r')
    try {
      await file.sync()
    } finally {
      await file.close()
    }
    await rename(temporary, path)
  })
  return {
    ...output,
    async abort() {
      stream.destroy()
      await rm(temporary, { force: true })
    },
  }
}

function streamOutput(stream: Writable, finish: () => Promise<void>): Output {
  let bytes = 0
  let failure: Error | null = null
  stream.on('error', (error) => {
    failure = error
  })
  return {
    async write(chunks) {
      if (failure !== null) throw failure
      let full = false
      for (const chunk of typeof chunks === 'string' || chunks instanceof Uint8Array ? [chunks] : chunks) {
        bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length
        full = !stream.write(chunk)
      }
      if (full) await drained(stream)
    },
    async commit() {
      // a write that failed after it was taken (a full disk) has closed the stream already
      if (failure !== null) throw failure
      await finish()
    },
    async abort() {},
    bytes: () => bytes,
  }
}

function drained(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      stream.off('drain', settle)
      stream.off('error', settle)
      if (error === undefined) resolve()
      else reject(error)
    }
    stream.on('drain', settle)
    stream.on('error', settle)
  })
}
