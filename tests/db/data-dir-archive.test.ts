// The state file's data directory archive, packed and unpacked without PGlite: what is packed
// unpacks the same, and an archive that would write outside its directory is refused whole.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase } from '../../db/connection.ts'
import { dataDirArchiveFault, packDataDir, unpackDataDir } from '../../db/data-dir-archive.ts'

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

  it('unpacks what it packed, file for file', () => {
    const from = scratch()
    mkdirSync(join(from, 'base/1'), { recursive: true })
    mkdirSync(join(from, 'pg_tblspc'))
    writeFileSync(join(from, 'PG_VERSION'), '17\n')
    writeFileSync(join(from, 'base/1/1259'), Buffer.alloc(8192 + 700, 7))
    const archive = Buffer.concat([...packDataDir(from)])
    expect(dataDirArchiveFault(archive)).toBeNull()
    const to = join(scratch(), 'pglite')
    unpackDataDir(archive, to)
    expect(readdirSync(to).sort()).toEqual(['PG_VERSION', 'base', 'pg_tblspc'])
    expect(readFileSync(join(to, 'PG_VERSION'), 'utf8')).toBe('17\n')
    expect(readFileSync(join(to, 'base/1/1259')).equals(Buffer.alloc(8192 + 700, 7))).toBe(true)
  })

  it('refuses a member outside the data directory, and one that is no file or directory', () => {
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
    expect(dataDirArchiveFault(renamed('/escape'))).toBeNull()
    expect(dataDirArchiveFault(renamed('/../escape'))).toBe('a member named "../escape"')
    expect(dataDirArchiveFault(renamed('/base/../../escape'))).toBe('a member named "base/../../escape"')
    expect(dataDirArchiveFault(renamed('/escape', '2'))).toBe('"escape" is neither a file nor a directory')
    expect(() => unpackDataDir(renamed('/../escape'), join(scratch(), 'pglite'))).toThrow(/a member named/)
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
      unpackDataDir(archive, to)
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
