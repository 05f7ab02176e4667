// A PGlite data directory as one ustar archive (the state file's content), unpacked and packed
// here rather than by PGlite: its loadDataDir and dumpDataDir copy every file through its
// in-memory file system (measured on the demo's 42 MB: 1.5 s to load, 1 s to dump, against
// 0.1 s each here). The layout is dumpDataDir's (names from the directory's root,
// "/PG_VERSION"), so each reads the other's archives.
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createGunzip } from 'node:zlib'
import { walToKeep } from './data-dir-wal.ts'

/** A PGlite data directory as one uncompressed tar. */
export type DataDirArchive = Uint8Array

const BLOCK = 512
const FILE = '0'
const DIRECTORY = '5'

interface MemberHeader {
  /** Relative to the data directory, no leading slash. */
  name: string
  type: typeof FILE | typeof DIRECTORY
  mode: number
  size: number
}

/**
 * Writes an archive's files into `dir` (new) as its chunks arrive, as they come out of gunzip:
 * the 44 MB of the demo's archive are never held whole (copying them into one buffer cost more
 * than writing them), and the writes go on while gunzip inflates the next chunk. Returns the
 * archive's fault in a few words (damaged, cut short, a member no data directory holds), or null
 * when it is whole: the caller removes `dir` on a fault. After a fault the chunks are still read
 * to their end, so that a source that fails (a gzip checksum) is heard.
 */
export async function unpackDataDir(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, dir: string): Promise<string | null> {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const writer = new MemberWriter(dir)
  try {
    for await (const chunk of chunks) writer.take(chunk)
  } finally {
    writer.closeFile()
  }
  return writer.end()
}

/** As unpackDataDir, from the gzip'd archive's bytes (a state file, the PGlite template). */
export async function unpackCompressedDataDir(compressed: Buffer, dir: string): Promise<string | null> {
  // in 1 MB chunks: at zlib's 16 KB, each of some 2,700 chunks went through the thread pool
  const gunzip = createGunzip({ chunkSize: 1 << 20 })
  gunzip.end(compressed)
  let gzipFault: string | null = null
  async function* inflated(): AsyncGenerator<Uint8Array> {
    try {
      yield* gunzip
    } catch (error) {
      gzipFault = (error as Error).message
    }
  }
  const fault = await unpackDataDir(inflated(), dir)
  return gzipFault !== null ? `not a whole gzip file (${gzipFault})` : fault
}

// Synchronous file calls: a thousand small files, one after the other, with nothing else to do
// meanwhile; each promise's round trip through the thread pool cost more than the write itself.

/** The archive's bytes in order: headers parsed, members written, padding skipped. */
class MemberWriter {
  private readonly header = Buffer.alloc(BLOCK)
  private headerBytes = 0
  /** Bytes of the archive taken so far. */
  private position = 0
  private file: { fd: number; left: number } | null = null
  private padding = 0
  private fault: string | null = null
  private ended = false
  private dataDirectory = false
  private readonly made: Set<string>

  constructor(private readonly dir: string) {
    this.made = new Set([dir])
  }

  take(chunk: Uint8Array): void {
    let at = 0
    while (at < chunk.length && this.fault === null && !this.ended) {
      let taken: number
      if (this.file !== null) {
        taken = writeSync(this.file.fd, chunk, at, Math.min(this.file.left, chunk.length - at))
        this.file.left -= taken
        if (this.file.left === 0) this.closeFile()
      } else if (this.padding > 0) {
        taken = Math.min(this.padding, chunk.length - at)
        this.padding -= taken
      } else {
        taken = Math.min(BLOCK - this.headerBytes, chunk.length - at)
        this.header.set(chunk.subarray(at, at + taken), this.headerBytes)
        this.headerBytes += taken
      }
      at += taken
      this.position += taken
      if (this.headerBytes === BLOCK) {
        this.headerBytes = 0
        this.startMember(this.position - BLOCK)
      }
    }
  }

  end(): string | null {
    if (this.fault !== null) return this.fault
    if (!this.ended) return this.file !== null || this.padding > 0 ? 'cut short inside a file' : 'cut short: no end-of-archive block'
    return this.dataDirectory ? null : 'no PG_VERSION: not a PostgreSQL data directory'
  }

  closeFile(): void {
    if (this.file === null) return
    closeSync(this.file.fd)
    this.file = null
  }

  private startMember(offset: number): void {
    if (this.header.every((byte) => byte === 0)) {
      this.ended = true
      return
    }
    const member = readHeader(this.header, offset)
    if (typeof member === 'string') {
      this.fault = member
      return
    }
    const path = join(this.dir, member.name)
    if (member.name === 'PG_VERSION') this.dataDirectory = true
    if (member.type === DIRECTORY) {
      mkdirSync(path, { recursive: true, mode: member.mode })
      this.made.add(path)
      this.padding = member.size + padding(member.size)
      return
    }
    // an archive that lists a file before its directory still unpacks
    if (!this.made.has(dirname(path))) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
      this.made.add(dirname(path))
    }
    const fd = openSync(path, 'w', member.mode)
    this.padding = padding(member.size)
    if (member.size > 0) this.file = { fd, left: member.size }
    else closeSync(fd)
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

/** A member's header, or its fault: damaged, or a member no data directory holds. */
function readHeader(block: Uint8Array, offset: number): MemberHeader | string {
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
  return { name, type: type === DIRECTORY ? DIRECTORY : FILE, mode: (mode & 0o777) | (type === DIRECTORY ? 0o700 : 0o600), size }
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
