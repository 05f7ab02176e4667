import { describe, expect, it } from 'vitest'
import { readPageBody, sha256Hex } from '../../db/pages.ts'
import { storePageBody } from './fixtures.ts'
import { backends, useTestDatabase } from '../support/databases.ts'

describe.each(backends)('page bodies on %s', (backend) => {
  const db = useTestDatabase(backend)

  it('stores one compressed row for a body fetched three times', async () => {
    const body = Buffer.from(`<html>${'<p>social innovation é</p>'.repeat(500)}</html>`)
    const hashes = [await storePageBody(db(), body), await storePageBody(db(), Buffer.from(body)), await storePageBody(db(), body)]
    expect(new Set(hashes)).toEqual(new Set([sha256Hex(body)]))
    const rows = await db().selectFrom('page_body').selectAll().execute()
    expect(rows).toHaveLength(1)
    expect(rows[0]!.size).toBe(body.length)
    expect(rows[0]!.body.length).toBeLessThan(body.length / 10)
    const read = await readPageBody(db(), hashes[0]!)
    expect(read?.equals(body)).toBe(true)
  })

  it('returns null for an unknown hash', async () => {
    expect(await readPageBody(db(), '0'.repeat(64))).toBeNull()
  })
})
