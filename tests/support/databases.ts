// Fresh, migrated, isolated databases for tests, on every backend available here.
import { randomBytes } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import type { Kysely } from 'kysely'
import pg from 'pg'
import { afterEach, beforeEach, inject } from 'vitest'
import { closeDatabase, openDatabase, pgliteExtensions, wrapPglite } from '../../db/connection.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import type { Database } from '../../db/schema.ts'

export type BackendName = 'pglite' | 'postgres'

export interface TestDatabase {
  db: Kysely<Database>
  close(): Promise<void>
}

// PostgreSQL is always there: CI's server or the throwaway one of tests/support/postgres-server.ts.
export const backends: BackendName[] = ['pglite', 'postgres']

export async function openTestDatabase(backend: BackendName): Promise<TestDatabase> {
  return backend === 'pglite' ? openPgliteClone() : openPostgresDatabase(postgresServerUrl())
}

/** A fresh database per test: returns a getter valid inside the test. */
export function useTestDatabase(backend: BackendName): () => Kysely<Database> {
  let current: TestDatabase | undefined
  beforeEach(async () => {
    current = await openTestDatabase(backend)
  })
  afterEach(async () => {
    await current?.close()
    current = undefined
  })
  return () => {
    if (current === undefined) throw new Error('useTestDatabase: no database outside a test')
    return current.db
  }
}

// Starting PGlite costs seconds; cloning a migrated template costs a fraction of that.
let template: Promise<PGlite> | undefined

async function openPgliteClone(): Promise<TestDatabase> {
  template ??= (async () => {
    const client = await PGlite.create({ extensions: await pgliteExtensions() })
    const db = wrapPglite(client)
    await migrateToLatest(db)
    return client
  })()
  const clone = (await (await template).clone()) as PGlite
  const db = wrapPglite(clone)
  return { db, close: () => closeDatabase(db) }
}

/** The admin URL of this run's PostgreSQL server (the globalSetup in tests/support/postgres-server.ts). */
export function postgresServerUrl(): string {
  const url = inject('postgresServerUrl')
  if (!url) throw new Error('no PostgreSQL server: register tests/support/postgres-server.ts as a vitest globalSetup')
  return url
}

async function openPostgresDatabase(serverUrl: string): Promise<TestDatabase> {
  const empty = await openEmptyPostgres(serverUrl)
  await migrateToLatest(empty.db)
  return empty
}

/** A fresh database without any migration applied: for tests of the migrations themselves. */
export async function openEmptyDatabase(backend: BackendName): Promise<TestDatabase> {
  if (backend === 'postgres') return openEmptyPostgres(postgresServerUrl())
  const db = wrapPglite(await PGlite.create({ extensions: await pgliteExtensions() }))
  return { db, close: () => closeDatabase(db) }
}

async function openEmptyPostgres(serverUrl: string): Promise<TestDatabase> {
  const name = `eurowatch_test_${randomBytes(6).toString('hex')}`
  await admin(serverUrl, `create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const db = await openDatabase({ kind: 'postgres', url: url.toString() })
  return {
    db,
    close: async () => {
      await closeDatabase(db)
      await admin(serverUrl, `drop database if exists ${name} with (force)`)
    },
  }
}

/** Runs one statement on the server as the URL's user, on a connection of its own (create or drop a database, a role). */
export async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}
