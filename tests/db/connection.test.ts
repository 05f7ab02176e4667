import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase } from '../../db/connection.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { UserError } from '../../domain/errors.ts'
import { postgresServerUrl } from '../support/databases.ts'

const scratch = mkdtempSync(join(tmpdir(), 'eurowatch-connection-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

async function openError(target: Parameters<typeof openDatabase>[0]): Promise<UserError> {
  const error = await openDatabase(target).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(UserError)
  return error as UserError
}

describe('openDatabase', () => {
  it('creates, migrates and reopens a PGlite data directory', async () => {
    const dataDir = join(scratch, 'nested', 'data')
    const db = await openDatabase({ kind: 'pglite', dataDir })
    await migrateToLatest(db)
    await db.insertInto('crawl_run').values({ started_at: new Date(), status: 'running', finished_at: null, error: null, diffed_at: null }).execute()
    await closeDatabase(db)
    const again = await openDatabase({ kind: 'pglite', dataDir })
    expect(await migrateToLatest(again)).toEqual([])
    expect(await again.selectFrom('crawl_run').select('status').execute()).toEqual([{ status: 'running' }])
    await closeDatabase(again)
  })

  it('opens a PGlite data directory left by a process killed while PGlite started, with its data', async () => {
    const dataDir = join(scratch, 'killed-at-start')
    const db = await openDatabase({ kind: 'pglite', dataDir })
    await migrateToLatest(db)
    await db.insertInto('crawl_run').values({ started_at: new Date(), status: 'complete', finished_at: new Date(), error: null, diffed_at: null }).execute()
    await closeDatabase(db)
    // PGlite creates PostgreSQL's lock file empty and fills it a moment later: a SIGKILL in between
    // leaves it so (seen with a kill injected at its first write, and with one sent as it appears)
    writeFileSync(join(dataDir, 'postmaster.pid'), '')
    const again = await openDatabase({ kind: 'pglite', dataDir })
    expect(await again.selectFrom('crawl_run').select('status').execute()).toEqual([{ status: 'complete' }])
    await closeDatabase(again)
  })

  it('keeps a small PGlite buffer cache, and data larger than it reads back whole after a reopen', async () => {
    const dataDir = join(scratch, 'small-cache')
    const db = await openDatabase({ kind: 'pglite', dataDir })
    const setting = await sql<{ shared_buffers: string }>`show shared_buffers`.execute(db)
    expect(setting.rows).toEqual([{ shared_buffers: '16MB' }])
    // about 30 MB of rows: twice the cache, so pages are evicted to the files and read back
    await sql`create table bulk as select i, repeat(md5(i::text), 6) as body from generate_series(1, 150000) as i`.execute(db)
    const sum = sql<{ rows: number; digest: string }>`select count(*) as rows, md5(string_agg(body, '' order by i)) as digest from bulk`
    const written = (await sum.execute(db)).rows[0]
    expect(written?.rows).toBe(150000)
    const size = await sql<{ bytes: number }>`select pg_table_size('bulk')::int as bytes`.execute(db)
    expect(size.rows[0]?.bytes).toBeGreaterThan(2 * 16 * 1024 * 1024)
    await closeDatabase(db)
    const again = await openDatabase({ kind: 'pglite', dataDir })
    expect((await sum.execute(again)).rows[0]).toEqual(written)
    await closeDatabase(again)
  })

  it('turns an unreachable server into a UserError without the password', async () => {
    const error = await openError({ kind: 'postgres', url: 'postgres://u:secret@127.0.0.1:1/x' })
    expect(error.message).toContain('postgres://u:***@127.0.0.1:1/x')
    expect(error.message).not.toContain('secret')
    expect(error.hint ?? '').not.toContain('secret')
    expect(error.message).not.toContain('\n')
  })

  it('never shows the password of a malformed URL', async () => {
    for (const url of ['postgres://u:se@cret@127.0.0.1:1/x', 'postgres://u:secret@127.0.0.1:notaport/x', 'postgres://u:secret@:1/x']) {
      const error = await openError({ kind: 'postgres', url })
      expect(error.message).not.toMatch(/secret|cret/)
    }
  })

  it('turns a wrong password into a UserError without it', async () => {
    const url = new URL(postgresServerUrl())
    url.password = 'wrong-secret'
    const error = await openError({ kind: 'postgres', url: url.toString() })
    expect(error.message).not.toContain('wrong-secret')
  })

  it('turns an unwritable data directory into a UserError', async () => {
    const file = join(scratch, 'a-file')
    writeFileSync(file, '')
    const error = await openError({ kind: 'pglite', dataDir: join(file, 'data') })
    expect(error.message).toContain(join(file, 'data'))
  })

  it('never shows a secret parameter, nor a file a parameter names', async () => {
    for (const url of ['postgres://u@127.0.0.1:1/x?sslmode=disable&sslpassword=s3cret&foo=s3cret', 'postgres://u@127.0.0.1:1/x?sslmode=require&sslcert=/s3cret/cert.pem']) {
      const error = await openError({ kind: 'postgres', url })
      expect(error.message).not.toContain('s3cret')
    }
  })
})

describe('PostgreSQL connections', () => {
  // a worker whose server drops its connections mid-transaction (a restart, a failover, pg_terminate_backend)
  it('a connection ended while held between statements fails its transaction, not the process', async () => {
    const db = await openDatabase({ kind: 'postgres', url: postgresServerUrl() })
    try {
      const held = db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)
        await sql`select pg_terminate_backend(${rows[0]?.pid})`.execute(db)
        // held, no statement running: the server's goodbye arrives as the client's 'error' event
        await sleep(300)
        await sql`select 1`.execute(trx)
      })
      await expect(held).rejects.toThrow()
      expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows).toEqual([{ one: 1 }])
    } finally {
      await closeDatabase(db)
    }
  })
})

describe('PGlite transactions', () => {
  it('serializes concurrent transactions instead of interleaving them', async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' })
    await sql`create table counter (n integer not null)`.execute(db)
    await sql`insert into counter values (0)`.execute(db)
    const log: string[] = []
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        db.transaction().execute(async (trx) => {
          log.push(`begin ${i}`)
          const { rows } = await sql<{ n: number }>`select n from counter`.execute(trx)
          await new Promise((resolve) => setTimeout(resolve, 5))
          await sql`update counter set n = ${(rows[0]?.n ?? 0) + 1}`.execute(trx)
          log.push(`end ${i}`)
        }),
      ),
    )
    const { rows } = await sql<{ n: number }>`select n from counter`.execute(db)
    expect(rows[0]?.n).toBe(5)
    expect(log).toEqual(Array.from({ length: 5 }, (_, i) => [`begin ${i}`, `end ${i}`]).flat())
    await closeDatabase(db)
  })
})
