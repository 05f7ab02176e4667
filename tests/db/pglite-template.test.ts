// New PGlite data directories start from the bundled template of an empty one, not from initdb:
// the template must be one the installed PGlite starts as it is (after a PGlite upgrade that
// changes PostgreSQL's catalog, this fails: run `npm run pglite-template`).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, describe, expect, it } from 'vitest'
import { closeDatabase, openDatabase, pgliteExtensions } from '../../db/connection.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { pgliteTemplatePath, seedFromTemplate } from '../../db/pglite-template.ts'

const scratch = mkdtempSync(join(tmpdir(), 'eurowatch-pglite-template-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('the PGlite template', () => {
  it('is bundled, and the installed PGlite starts a directory made from it as it is', async () => {
    const dataDir = join(scratch, 'started')
    expect(pgliteTemplatePath()).not.toBeNull()
    expect(await seedFromTemplate(dataDir)).toBe(true)
    // PGlite itself, not openDatabase (which would fall back to initdb on a template it cannot start)
    const client = await PGlite.create(dataDir, { extensions: await pgliteExtensions() })
    const { rows } = await client.query<{ major: number }>(`select current_setting('server_version_num')::int / 10000 as major`)
    expect(rows[0]?.major).toBe(Number(readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim()))
    await client.close()
  })

  it('gives each new database its own identity, the migrations run on it as on any new one', async () => {
    const identities: string[] = []
    for (const name of ['first', 'second']) {
      const db = await openDatabase({ kind: 'pglite', dataDir: join(scratch, name) })
      expect((await migrateToLatest(db)).length).toBeGreaterThan(0)
      identities.push((await db.selectFrom('database_identity').select('id').executeTakeFirstOrThrow()).id)
      await closeDatabase(db)
    }
    expect(new Set(identities).size).toBe(2)
  })

  it('fills only a directory that is absent or empty, and sets a damaged template aside, leaving nothing behind', async () => {
    const used = join(scratch, 'used')
    mkdirSync(used)
    writeFileSync(join(used, 'notes.txt'), 'mine')
    expect(await seedFromTemplate(used)).toBe(false)
    expect(readdirSync(used)).toEqual(['notes.txt'])

    const damaged = join(scratch, 'damaged.tar.gz')
    writeFileSync(damaged, readFileSync(pgliteTemplatePath() as string).subarray(0, 100_000))
    const target = join(scratch, 'from-damaged')
    expect(await seedFromTemplate(target, damaged)).toBe(false)
    expect(existsSync(target)).toBe(false)
    expect(readdirSync(scratch).filter((name) => name.includes('.template-'))).toEqual([])

    const empty = join(scratch, 'empty')
    mkdirSync(empty)
    expect(await seedFromTemplate(empty)).toBe(true)
    expect(readdirSync(empty)).toContain('PG_VERSION')
  })
})
