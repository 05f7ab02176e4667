// The state file's data directory archive, packed and unpacked without PGlite: what is packed
// unpacks the same, and an archive that would write outside its directory is refused whole.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase } from '../../db/connection.ts'
import { packDataDir, unpackDataDir } from '../../db/data-dir-archive.ts'

describe('data directory archive', () => {
  const dirs: string[] = []
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), 'eurowatch-archive-test-'))
    dirs.push(dir)
    return dir
  }
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('unpacks what it packed, file for file, in chunks of any size', async () => {
    const from = scratch()
    mkdirSync(join(from, 'base/1'), { recursive: true })
    mkdirSync(join(from, 'pg_tblspc'))
    writeFileSync(join(from, 'PG_VERSION'), '17\n')
    writeFileSync(join(from, 'base/1/1259'), Buffer.alloc(8192 + 700, 7))
    const archive = Buffer.concat([...packDataDir(from)])
    for (const size of [archive.length, 1000, 7]) {
      const chunks = Array.from({ length: Math.ceil(archive.length / size) }, (_, i) => archive.subarray(i * size, (i + 1) * size))
      const to = join(scratch(), 'pglite')
      expect(await unpackDataDir(chunks, to)).toBeNull()
      expect(readdirSync(to).sort()).toEqual(['PG_VERSION', 'base', 'pg_tblspc'])
      expect(readFileSync(join(to, 'PG_VERSION'), 'utf8')).toBe('17\n')
      expect(readFileSync(join(to, 'base/1/1259')).equals(Buffer.alloc(8192 + 700, 7))).toBe(true)
    }
  })

  it('names what is wrong with a cut or damaged archive', async () => {
    const from = scratch()
    writeFileSync(join(from, 'PG_VERSION'), '17\n')
    writeFileSync(join(from, 'base'), Buffer.alloc(3000, 1))
    const archive = Buffer.concat([...packDataDir(from)])
    const unpacked = (bytes: Buffer) => unpackDataDir([bytes], join(scratch(), 'pglite'))
    expect(await unpacked(archive.subarray(0, 2000))).toBe('cut short inside a file')
    expect(await unpacked(archive.subarray(0, archive.length - 1024))).toBe('cut short: no end-of-archive block')
    const damaged = Buffer.from(archive)
    damaged.writeUInt8(damaged.readUInt8(1024 + 10) ^ 0xff, 1024 + 10)
    expect(await unpacked(damaged)).toBe('damaged tar header at byte 1024')
    const other = scratch()
    writeFileSync(join(other, 'README'), 'x')
    expect(await unpacked(Buffer.concat([...packDataDir(other)]))).toBe('no PG_VERSION: not a PostgreSQL data directory')
  })

  it('refuses a member outside the data directory, and one that is no file or directory', async () => {
    const from = scratch()
    writeFileSync(join(from, 'PG_VERSION'), '17\n')
    writeFileSync(join(from, 'escape'), 'x')
    const archive = Buffer.concat([...packDataDir(from)])
    const renamed = (name: string, type?: string) => {
      const copy = Buffer.from(archive)
      // the second member's header: PG_VERSION's header and one block of content before it
      const header = copy.subarray(1024, 1536)
      header.fill(0, 0, 100).write(name, 0)
      if (type !== undefined) header.write(type, 156)
      header.fill(0x20, 148, 156)
      const sum = header.reduce((total, byte) => total + byte, 0)
      header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148)
      return copy
    }
    const fault = async (archive: Buffer) => {
      const to = join(scratch(), 'a', 'pglite')
      const found = await unpackDataDir([archive], to)
      // nothing written beside the data directory
      expect(readdirSync(join(to, '..'))).toEqual(['pglite'])
      return found
    }
    expect(await fault(renamed('/escape'))).toBeNull()
    expect(await fault(renamed('/../escape'))).toBe('a member named "../escape"')
    expect(await fault(renamed('/base/../../escape'))).toBe('a member named "base/../../escape"')
    expect(await fault(renamed('/escape', '2'))).toBe('"escape" is neither a file nor a directory')
  })

  it('leaves out the write-ahead log a clean start does not read, and the database opens from what it packed, again and again', { timeout: 120_000 }, async () => {
    const from = join(scratch(), 'pglite')
    const db = await openDatabase({ kind: 'pglite', dataDir: from })
    await sql`create table note (body text)`.execute(db)
    // about 40 MB of WAL: past two segment boundaries, so that segments are recycled too
    for (let batch = 0; batch < 4; batch += 1) await sql`insert into note select md5(i::text) || repeat('x', 200) from generate_series(1, 40000) i`.execute(db)
    await closeDatabase(db)
    const segments = readdirSync(join(from, 'pg_wal')).filter((name) => /^[0-9A-F]{24}$/.test(name))
    expect(segments.length).toBeGreaterThan(1)

    let dir = from
    for (const round of [1, 2]) {
      const archive = Buffer.concat([...packDataDir(dir)])
      const to = join(scratch(), 'pglite')
      expect(await unpackDataDir([archive], to)).toBeNull()
      // one segment: the shutdown checkpoint's, zeros from its second page up to the checkpoint's
      const kept = readdirSync(join(to, 'pg_wal')).filter((name) => /^[0-9A-F]{24}$/.test(name))
      expect(kept, `round ${round}`).toHaveLength(1)
      const segment = readFileSync(join(to, 'pg_wal', kept[0] as string))
      expect(segment.length).toBe(16 << 20)
      const control = readFileSync(join(dir, 'global/pg_control'))
      const checkpointPage = Math.floor(Number(control.readBigUInt64LE(32) % BigInt(segment.length)) / 8192) * 8192
      expect(segment.subarray(8192, checkpointPage).every((byte) => byte === 0)).toBe(true)
      expect(segment.subarray(checkpointPage, checkpointPage + 8192).equals(readFileSync(join(dir, 'pg_wal', kept[0] as string)).subarray(checkpointPage, checkpointPage + 8192))).toBe(true)

      const reopened = await openDatabase({ kind: 'pglite', dataDir: to })
      const { rows } = await sql<{ notes: number }>`select count(*)::int as notes from note`.execute(reopened)
      expect(rows[0]?.notes, `round ${round}`).toBe(160_000 + (round - 1) * 1000)
      await sql`insert into note select md5(i::text) from generate_series(1, 1000) i`.execute(reopened)
      await closeDatabase(reopened)
      dir = to
    }
  })
})
