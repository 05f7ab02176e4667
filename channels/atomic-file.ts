// A file rewritten whole: written beside its target, flushed, then renamed over it, so a reader
// (a feed reader, a web server) sees the old file or the new one, never half of one.
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { DeliveryError } from '../domain/alert.ts'
import { fileTarget, targetRefusal } from './file-target.ts'

export async function writeFileAtomically(path: string, content: string): Promise<void> {
  // a device, a named pipe or a link at the path stays as it is: no retry will change that
  await refuseUnreplaceable(path)
  let temporary: string | null = null
  try {
    await mkdir(dirname(path), { recursive: true })
    const target = await fileTarget(path)
    temporary = target.temporary('tmp')
    const file = await open(temporary, 'wx')
    try {
      await file.writeFile(content, 'utf8')
      await file.sync()
    } finally {
      await file.close()
    }
    // and again at the last moment: something may have taken the name while the file was written
    await refuseUnreplaceable(path)
    await rename(temporary, target.path)
  } catch (error) {
    if (temporary !== null) await rm(temporary, { force: true })
    if (error instanceof DeliveryError) throw error
    const code = (error as NodeJS.ErrnoException).code ?? String(error)
    // a full disk may clear; a path that is a directory or not ours will not
    throw new DeliveryError(`cannot write ${path}: ${code}`, code === 'ENOSPC' || code === 'EAGAIN' || code === 'EBUSY')
  }
}

async function refuseUnreplaceable(path: string): Promise<void> {
  const refusal = await targetRefusal(path)
  if (refusal !== null) throw new DeliveryError(`cannot write ${path}: it ${refusal}`, false)
}
