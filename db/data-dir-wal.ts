// What of a data directory's write-ahead log a state file needs. After a clean shutdown,
// PostgreSQL starts from the shutdown checkpoint that pg_control points to and replays nothing:
// the WAL before that checkpoint is obsolete, and segments past it are recycled ones holding old
// records. Leaving them out of the archive cut the demo's state file by a third (its 16 MB
// segment compressed to 2.4 MB, of which the 8 KB pages a start reads are all that count).
// Anything unexpected (not shut down cleanly, another layout) keeps the WAL whole.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** What the archive holds of one WAL segment: nothing, all of it, or its first page and the pages from `from` on (zeros between). */
export type WalSegmentPart = 'none' | 'all' | { from: number; pageSize: number }

/** pg_control of PostgreSQL 17 (PGlite's): the fields read here, at their offsets. */
const CONTROL_VERSION = 1700
const DB_SHUTDOWNED = 1
/** A WAL segment's first page starts with a long header (XLP_LONG_HEADER in xlp_info). */
const XLP_LONG_HEADER = 0x0002

/**
 * Which part of each segment of `dir`'s pg_wal the archive keeps, by file name; null: keep all
 * (the directory was not shut down cleanly, or its control file is not one read here).
 */
export function walToKeep(dir: string): ((segment: string, content: Uint8Array) => WalSegmentPart) | null {
  let control: Buffer
  try {
    control = readFileSync(join(dir, 'global/pg_control'))
  } catch {
    return null
  }
  if (control.length < 56 || control.readUInt32LE(8) !== CONTROL_VERSION || control.readInt32LE(16) !== DB_SHUTDOWNED) return null
  const systemId = control.readBigUInt64LE(0)
  const checkpoint = control.readBigUInt64LE(32)
  const redo = control.readBigUInt64LE(40)
  const timeline = control.readUInt32LE(48)
  // a shutdown checkpoint redoes nothing: it is its own redo point
  if (redo !== checkpoint) return null
  return (segment, content) => {
    const name = /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/.exec(segment)
    // every segment is wal_segment_size long, a power of two
    const segmentSize = content.length
    if (name === null || Number.parseInt(name[1] as string, 16) !== timeline || segmentSize < 1 << 20 || (segmentSize & (segmentSize - 1)) !== 0) return 'all'
    const start = BigInt(Number.parseInt(name[2] as string, 16)) * 0x1_0000_0000n + BigInt(Number.parseInt(name[3] as string, 16)) * BigInt(segmentSize)
    if (checkpoint < start || checkpoint >= start + BigInt(segmentSize)) return 'none'
    // the checkpoint's segment: its first page is read too, and checked against the system
    const header = Buffer.from(content.buffer, content.byteOffset, content.byteLength)
    const pageSize = header.readUInt32LE(36)
    const sane = (header.readUInt16LE(2) & XLP_LONG_HEADER) !== 0 && header.readBigUInt64LE(24) === systemId && header.readUInt32LE(32) === segmentSize && pageSize >= 1024 && segmentSize % pageSize === 0
    if (!sane) return 'all'
    const offset = Number(checkpoint - start)
    return { from: offset - (offset % pageSize), pageSize }
  }
}
