// A PGlite data directory as one ustar archive (the state file's content), unpacked and packed
// here rather than by PGlite: its loadDataDir and dumpDataDir copy every file through its
// in-memory file system (measured on the demo's 42 MB: 1.5 s to load, 1 s to dump, against
// 0.1 s each here). The archive is checked whole before anything is written: PGlite's own
// loader takes a malformed tar for a compressed one, and the zlib error it then meets escapes
// every handler. The layout is dumpDataDir's (names from the directory's root, "/PG_VERSION"),
// so each reads the other's archives.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { walToKeep } from './data-dir-wal.ts'

/** A PGlite data directory as one uncompressed tar. */
export type DataDirArchive = Uint8Array

const BLOCK = 512
const FILE = '0'
const DIRECTORY = '5'

interface Member {
  /** Relative to the data directory, no leading slash. */
  name: string
  type: typeof FILE | typeof DIRECTORY
  mode: number
  /** The member's bytes (empty for a directory). */
  content: Uint8Array
}

/** The archive's fault in a few words, or null when it is a whole data directory archive. */
export function dataDirArchiveFault(archive: DataDirArchive): string | null {
  const read = readMembers(archive)
  if (typeof read === 'string') return read
  return read.some((member) => member.name === 'PG_VERSION') ? null : 'no PG_VERSION: not a PostgreSQL data directory'
}

// Synchronous file calls: a thousand small files, one after the other, with nothing else to do
// meanwhile; each promise's round trip through the thread pool cost more than the write itself.

/** Writes a checked archive's files into `dir` (empty or missing). */
export function unpackDataDir(archive: DataDirArchive, dir: string): void {
  const read = readMembers(archive)
  if (typeof read === 'string') throw new Error(`unpackDataDir: ${read}`)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const made = new Set([dir])
  for (const member of read) {
    const path = join(dir, member.name)
    if (member.type === DIRECTORY) {
      mkdirSync(path, { recursive: true, mode: member.mode })
      made.add(path)
      continue
    }
    // an archive that lists a file before its directory still unpacks
    if (!made.has(dirname(path))) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
      made.add(dirname(path))
    }
    writeFileSync(path, member.content, { mode: member.mode })
  }
}

/**
 * The data directory's directories and files as one tar, in chunks (a header, a file's bytes, its
 * padding): never held whole in memory, where copying 42 MB into one buffer cost more than
 * reading the files. The directory is closed: no process writes to it. Modes are PostgreSQL's
 * own (0700 directories, 0600 files). Of the write-ahead log, only what a start reads after a
 * clean shutdown (db/data-dir-wal.ts).
 */
export function packDataDir(dir: string): Generator<Uint8Array> {
  return packMembers(dir, '', walToKeep(dir))
}

function* packMembers(dir: string, relative: string, wal: ReturnType<typeof walToKeep>): Generator<Uint8Array> {
  const entries = readdirSync(join(dir, relative), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))
  for (const entry of entries) {
    const name = relative === '' ? entry.name : `${relative}/${entry.name}`
    const path = join(dir, name)
    if (entry.isDirectory()) {
      yield header(name, DIRECTORY, 0o700, 0)
      yield* packMembers(dir, name, wal)
    } else if (entry.isFile()) {
      const content = readFileSync(path)
      const part = wal !== null && relative === 'pg_wal' ? wal(entry.name, content) : 'all'
      if (part === 'none') continue
      yield header(name, FILE, 0o600, content.length)
      if (part === 'all' || part.from <= part.pageSize) {
        yield content
      } else {
        // the segment keeps its length: PostgreSQL writes on into it
        yield content.subarray(0, part.pageSize)
        yield new Uint8Array(part.from - part.pageSize)
        yield content.subarray(part.from)
      }
      if (padding(content.length) > 0) yield new Uint8Array(padding(content.length))
    } else {
      throw new Error(`packDataDir: ${path} is neither a file nor a directory`)
    }
  }
  if (relative === '') yield new Uint8Array(2 * BLOCK)
}

/** The archive's members in order, or its fault: damaged or cut short, or a member no data directory holds. */
function readMembers(archive: DataDirArchive): Member[] | string {
  const members: Member[] = []
  let offset = 0
  while (offset + BLOCK <= archive.length) {
    const block = archive.subarray(offset, offset + BLOCK)
    if (block.every((byte) => byte === 0)) return members
    if (!checksumMatches(block)) return `damaged tar header at byte ${offset}`
    const size = Number.parseInt(field(block, 124, 12) || '0', 8)
    const mode = Number.parseInt(field(block, 100, 8) || '0', 8)
    if (!Number.isSafeInteger(size) || size < 0 || !Number.isSafeInteger(mode)) return `damaged tar header at byte ${offset}`
    const prefix = field(block, 345, 155)
    const name = `${prefix === '' ? '' : `${prefix}/`}${field(block, 0, 100)}`.replace(/^\.?\/+/, '').replace(/\/+$/, '')
    // a member outside the data directory, or a link, is no part of one
    if (name === '' || name.split('/').some((part) => part === '..' || part === '.' || part === '')) return `a member named "${name}"`
    const type = String.fromCharCode(block[156] as number)
    if (type !== FILE && type !== '\0' && type !== DIRECTORY) return `"${name}" is neither a file nor a directory`
    const start = offset + BLOCK
    offset = start + Math.ceil(size / BLOCK) * BLOCK
    if (offset > archive.length) return 'cut short inside a file'
    members.push({ name, type: type === DIRECTORY ? DIRECTORY : FILE, mode: (mode & 0o777) | (type === DIRECTORY ? 0o700 : 0o600), content: archive.subarray(start, start + size) })
  }
  return 'cut short: no end-of-archive block'
}

/** A ustar header; names are written as dumpDataDir writes them, from the root ("/base/1/112"). */
function header(name: string, type: typeof FILE | typeof DIRECTORY, mode: number, size: number): Uint8Array {
  const block = Buffer.alloc(BLOCK)
  const path = `/${name}`
  // the data directory's paths are short ("/base/16384/2619_fsm"); a longer one goes in the prefix field
  const cut = path.length <= 100 ? -1 : path.lastIndexOf('/', path.length - 1)
  if (path.length > 100 && (cut <= 0 || cut > 155 || path.length - cut - 1 > 100)) throw new Error(`packDataDir: the name ${path} is too long for a tar header`)
  block.write(cut === -1 ? path : path.slice(cut + 1), 0, 100, 'utf8')
  if (cut !== -1) block.write(path.slice(0, cut), 345, 155, 'utf8')
  block.write(octal(mode & 0o777, 7), 100)
  block.write(octal(0, 7), 108)
  block.write(octal(0, 7), 116)
  block.write(octal(size, 11), 124)
  block.write(octal(Math.floor(Date.now() / 1000), 11), 136)
  block.write(type, 156)
  block.write('ustar\u000000', 257)
  block.fill(0x20, 148, 156)
  let sum = 0
  for (const byte of block) sum += byte
  block.write(`${octal(sum, 6)}\u0000 `, 148)
  return block
}

function octal(value: number, digits: number): string {
  return value.toString(8).padStart(digits, '0')
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK
}

function field(header: Uint8Array, start: number, length: number): string {
  const bytes = header.subarray(start, start + length)
  const end = bytes.indexOf(0)
  return new TextDecoder().decode(end === -1 ? bytes : bytes.subarray(0, end)).trim()
}

/** The header's sum of bytes, its checksum field counted as spaces, against that field. */
function checksumMatches(header: Uint8Array): boolean {
  let sum = 0
  for (let i = 0; i < BLOCK; i += 1) sum += i >= 148 && i < 156 ? 0x20 : (header[i] as number)
  return Number.parseInt(field(header, 148, 8), 8) === sum
}
