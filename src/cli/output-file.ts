// Where a long output goes: standard output, or a file written beside its target and renamed
// over it once complete. An export interrupted at any point (a signal, a full disk, a kill)
// leaves the target as it was: the old file or none, never half of a new one.
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { open, rename, rm } from 'node:fs/promises'
import type { Writable } from 'node:stream'
import { fileTarget, targetRefusal, type FileTarget } from '../../channels/file-target.ts'
import { OutputError, UserError } from '../../domain/errors.ts'

export interface Output {
  /** Resolves once the chunks are taken; waits while the stream is full (memory stays flat). */
  write(chunks: Uint8Array | string | readonly Uint8Array[]): Promise<void>
  /** Flushes, syncs and renames the file into place. */
  commit(): Promise<void>
  /** Removes what was written; the target is untouched. */
  abort(): Promise<void>
  bytes(): number
}

/**
 * Refuses a target that must not be replaced (a device, a named pipe, a link, a directory) or
 * whose folder is missing: called before any work, and again before the rename.
 */
export async function checkOutputTarget(path: string): Promise<FileTarget> {
  const refusal = await targetRefusal(path)
  if (refusal !== null) throw new UserError(`--output: ${path} ${refusal}`, 'give the name of a regular file, or none for standard output')
  return fileTarget(path).catch((error: unknown) => {
    throw unwritable(path, error)
  })
}

export async function openOutput(path: string | null): Promise<Output> {
  if (path === null) return streamOutput(process.stdout, 'standard output', async () => undefined)
  const target = await checkOutputTarget(path)
  const temporary = target.temporary('part')
  // up to 8 MB waits for the disk while the export reads on; past that the export waits (measured:
  // at the default 16 KB, an export of 10,000 pages spent half its time waiting to write)
  const stream = createWriteStream(temporary, { flags: 'wx', highWaterMark: 8 << 20 })
  try {
    await once(stream, 'open')
  } catch (error) {
    throw unwritable(path, error)
  }
  const output = streamOutput(stream, path, async () => {
    stream.end()
    await once(stream, 'close')
    // on disk before it takes the target's name: a crash after the rename finds the whole file
    const file = await open(temporary, 'r')
    try {
      await file.sync()
    } finally {
      await file.close()
    }
    // something may have taken the name while the export ran
    await checkOutputTarget(path)
    await rename(temporary, target.path)
  })
  return {
    ...output,
    async abort() {
      stream.destroy()
      await rm(temporary, { force: true })
    },
  }
}

function unwritable(path: string, error: unknown): UserError {
  return new UserError(`--output: cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'give a file in a folder that exists and is writable')
}

function streamOutput(stream: Writable, name: string, finish: () => Promise<void>): Output {
  let bytes = 0
  let failure: Error | null = null
  stream.on('error', (error: NodeJS.ErrnoException) => {
    failure = new OutputError(`cannot write ${name}: ${error.message}`)
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
      if (failure !== null) throw failure
    },
    async commit() {
      // a write that failed after it was taken (a full disk) has closed the stream already
      if (failure !== null) throw failure
      try {
        await finish()
      } catch (error) {
        if (error instanceof UserError) throw error
        throw failure ?? new OutputError(`cannot write ${name}: ${error instanceof Error ? error.message : String(error)}`)
      }
    },
    async abort() {},
    bytes: () => bytes,
  }
}

/** Resolves once the stream takes more, or has failed (the failure is recorded by its error listener). */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const settle = () => {
      stream.off('drain', settle)
      stream.off('error', settle)
      resolve()
    }
    stream.on('drain', settle)
    stream.on('error', settle)
  })
}
