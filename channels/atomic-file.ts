// A file rewritten whole: written beside its target, flushed, then renamed over it, so a reader
// (a feed reader, a web server) sees the old file or the new one, never half of one.
import { randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { DeliveryError } from '../domain/alert.ts'

export async function writeFileAtomically(path: string, content: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await mkdir(dirname(path), { recursive: true })
    const file = await open(temporary, 'wx')
    try {
      await file.writeFile(content, 'utf8')
      await file.sync()
    } finally {
      await file.close()
    }
    await rename(temporary, path)
  } catch (error) {
    await rm(temporary, { force: true })
    const code = (error as NodeJS.ErrnoException).code ?? String(error)
    // a full disk may clear; a path that is a directory or not ours will not
    throw new DeliveryError(`cannot write ${path}: ${code}`, code === 'ENOSPC' || code === 'EAGAIN' || code === 'EBUSY')
  }
}
