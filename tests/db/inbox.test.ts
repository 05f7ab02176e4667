// The changes inbox over real changes: the legacy replica crawled through its timeline (steps 0-3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inboxChange, inboxPage, markAllRead, markChange, NO_FILTER, type InboxFilter } from '../../db/inbox.ts'
import { backends, openTestDatabase, type TestDatabase } from '../support/databases.ts'
import { useReplica } from '../support/replica.ts'
import { timelineChanges } from '../support/timeline-changes.ts'
import { runTimeline, timelineSources } from '../support/timeline-runs.ts'

const replica = useReplica()
const expectedAt = (...steps: number[]) => timelineChanges(timelineSources, ...steps)

describe.each(backends)('changes inbox on %s', { timeout: 180_000 }, (backend) => {
  let database: TestDatabase
  let runIds: number[] = []
  beforeAll(async () => {
    database = await openTestDatabase(backend)
    runIds = await runTimeline(database.db, replica(), [0, 1, 2, 3])
  }, 300_000)
  afterAll(async () => {
    await database?.close()
  })
  const db = () => database.db
  const page = (reader: string, filter: Partial<InboxFilter> = {}, before: number | null = null, limit = 50) =>
    inboxPage(db(), { reader, filter: { ...NO_FILTER, ...filter }, before, limit })
  const keys = async (reader: string, filter: Partial<InboxFilter> = {}) =>
    (await page(reader, filter)).changes.map((c) => `${c.event.kind} ${c.event.entry.key}`).sort()

  it('lists every change of the timeline, newest first, without the baseline', async () => {
    const { changes, next } = await page('ana')
    expect(changes.map((c) => `${c.event.kind} ${c.event.entry.key}`).sort()).toEqual(expectedAt(1, 2, 3))
    expect(changes.map((c) => c.event.id)).toEqual([...changes.map((c) => c.event.id)].sort((a, b) => b - a))
    expect(changes[0]?.event.runId).toBe(runIds[3])
    expect(next).toBeNull()
    expect(changes.every((c) => !c.read && !c.event.baseline)).toBe(true)
  })

  it('keeps the field changes and a move as a move', async () => {
    const { changes } = await page('ana')
    const moved = changes.find((c) => c.event.kind === 'moved')
    expect(moved?.event.changes.map((c) => c.field).sort()).toEqual(['title', 'url'])
    expect(moved?.event.changes.find((c) => c.field === 'title')?.after).toBe('Vilnius Tech Park: a hospital reborn')
    const munich = changes.find((c) => c.event.entry.key === 'WSPO-BGYT8M')
    expect(String(munich?.event.changes[0]?.after)).toContain('now twelve mediators strong')
    expect(String(munich?.event.changes[0]?.before)).not.toContain('now twelve mediators strong')
  })

  it('filters by listing, kind, type, theme, words and run date', async () => {
    expect(await keys('ana', { kind: 'changed' })).toEqual(['changed WSPO-BGYT6F', 'changed WSPO-BGYT8M'])
    const social = (await page('ana', { listing: 'social-innovation' })).changes
    const documents = (await page('ana', { listing: 'documents-social-affairs' })).changes
    expect(social.map((c) => c.event.listing?.source)).toContain('social-innovation')
    expect(new Set([...social, ...documents].map((c) => c.event.listing?.source))).toEqual(new Set(['social-innovation', ...(documents.length > 0 ? ['documents-social-affairs'] : [])]))
    expect([...social, ...documents].map((c) => `${c.event.kind} ${c.event.entry.key}`).sort()).toEqual(expectedAt(1, 2, 3))
    expect(await keys('ana', { type: 'publication', kind: 'new' })).toEqual(['new WSPO-BH4N2R'])
    expect(await keys('ana', { theme: 'cooperation', kind: 'new' })).toEqual(['new WSPO-BH4N5T'])
    expect(await keys('ana', { words: 'CHILD guarantee' })).toEqual(['new WSPO-BH4N7W'])
    expect(await keys('ana', { words: '100%' })).toEqual([])
    const today = new Date().toISOString().slice(0, 10)
    expect(await keys('ana', { from: today, to: today })).toEqual(expectedAt(1, 2, 3))
    expect(await keys('ana', { to: '2000-01-01' })).toEqual([])
  })

  it('pages by id with a cursor', async () => {
    const all = (await page('ana')).changes.map((c) => c.event.id)
    const first = await page('ana', {}, null, 4)
    expect(first.changes.map((c) => c.event.id)).toEqual(all.slice(0, 4))
    expect(first.next).toBe(all[3])
    const second = await page('ana', {}, first.next, 4)
    expect(second.changes.map((c) => c.event.id)).toEqual(all.slice(4))
    expect(second.next).toBeNull()
  })

  it('marks one read and unread, per reader', async () => {
    const [newest] = (await page('bo')).changes
    if (newest === undefined) throw new Error('no change')
    expect(await markChange(db(), 'bo', newest.event.id, true)).toBe(true)
    expect((await page('bo', { unread: true })).changes.map((c) => c.event.id)).not.toContain(newest.event.id)
    expect((await inboxChange(db(), 'bo', newest.event.id))?.read).toBe(true)
    expect((await inboxChange(db(), 'cy', newest.event.id))?.read).toBe(false)
    await markChange(db(), 'bo', newest.event.id, false)
    expect((await inboxChange(db(), 'bo', newest.event.id))?.read).toBe(false)
    expect(await markChange(db(), 'bo', 999_999, true)).toBe(false)
  })

  it('marks all read with one watermark, then an old one unread again', async () => {
    const all = (await page('di')).changes
    await markChange(db(), 'di', all[2]!.event.id, true)
    await markAllRead(db(), 'di', NO_FILTER, all[0]!.event.id)
    expect((await page('di', { unread: true })).changes).toEqual([])
    const marks = await db().selectFrom('read_mark').selectAll().where('reader', '=', 'di').execute()
    expect(marks).toEqual([])
    const reader = await db().selectFrom('reader').selectAll().where('name', '=', 'di').executeTakeFirstOrThrow()
    expect(reader.read_through_event).toBe(all[0]!.event.id)

    await markChange(db(), 'di', all[3]!.event.id, false)
    expect((await page('di', { unread: true })).changes.map((c) => c.event.id)).toEqual([all[3]!.event.id])
  })

  it('marks all read only up to what was seen', async () => {
    const all = (await page('ed')).changes
    await markAllRead(db(), 'ed', NO_FILTER, all[1]!.event.id)
    expect((await page('ed', { unread: true })).changes.map((c) => c.event.id)).toEqual([all[0]!.event.id])
  })

  it('marks all read within a filter, one mark per change it shows', async () => {
    await markAllRead(db(), 'fa', { ...NO_FILTER, kind: 'changed' }, null)
    expect(await keys('fa', { unread: true })).toEqual(expectedAt(1, 2, 3).filter((key) => !key.startsWith('changed')))
    const marks = await db().selectFrom('read_mark').select('read').where('reader', '=', 'fa').execute()
    expect(marks).toEqual([{ read: true }, { read: true }])
  })

  it('gives a permalink change, and none for a baseline event', async () => {
    const [newest] = (await page('ana')).changes
    expect((await inboxChange(db(), 'ana', newest!.event.id))?.event).toEqual(newest!.event)
    const baseline = await db().selectFrom('change_event').select('id').where('baseline', '=', true).executeTakeFirstOrThrow()
    expect(await inboxChange(db(), 'ana', baseline.id)).toBeNull()
  })
})
