// A file that eurowatch replaces whole (an export's --output, a feed channel's path): written
// beside its target, then renamed over it. A rename replaces whatever has the name, so only a
// missing name or a regular file may be a target: renaming over /dev/full, a named pipe or a
// symbolic link would put a regular file in its place.
import { randomBytes } from 'node:crypto'
import { lstat, realpath } from 'node:fs/promises'
import type { Stats } from 'node:fs'
import { basename, dirname, join, sep } from 'node:path'

export interface FileTarget {
  /** The target in its directory's real path: the rename stays inside one directory (one file system). */
  path: string
  /** A new name beside it, hidden, for the file being written. */
  temporary(suffix: string): string
}

/** Why `path` may not be replaced ("is a named pipe (FIFO)"), or null when it may: missing, or a regular file. */
export async function targetRefusal(path: string): Promise<string | null> {
  if (path.endsWith(sep) || path.endsWith('/')) return 'names a directory'
  let stats: Stats
  try {
    stats = await lstat(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    // a missing target is written; a missing directory is said when the file is opened
    if (code === 'ENOENT') return null
    return `cannot be examined (${code ?? String(error)})`
  }
  const kind = kindOf(stats)
  return kind === null ? null : `is ${kind}, not a regular file`
}

/** The target, resolved for writing beside it. Its directory must exist. */
export async function fileTarget(path: string): Promise<FileTarget> {
  const directory = await realpath(dirname(path))
  const name = basename(path)
  return {
    path: join(directory, name),
    temporary: (suffix) => join(directory, `.${name}.${randomBytes(6).toString('hex')}.${suffix}`),
  }
}

function kindOf(stats: Stats): string | null {
  if (stats.isFile()) return null
  if (stats.isSymbolicLink()) return 'a symbolic link'
  if (stats.isDirectory()) return 'a directory'
  if (stats.isFIFO()) return 'a named pipe (FIFO)'
  if (stats.isCharacterDevice()) return 'a character device'
  if (stats.isBlockDevice()) return 'a block device'
  if (stats.isSocket()) return 'a socket'
  return 'a special file'
}
