// The entry page's data, read from real crawls of the replica on PGlite and PostgreSQL: versions,
// where it was listed, its alerts, and the stored pages it was read from.
import { describe, expect, it } from 'vitest'
import { entryPage, storedPage, type StoredPageRef } from '../../db/entry-page.ts'
import { addSubscriptions, claimDeliveries, insertDeliveries, markMessageFailed, markMessageSent } from '../../db/outbox.ts'
import { readPageBody } from '../../db/pages.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { useReplica } from '../support/replica.ts'
import { afterRun, SOCIAL_INNOVATION, watchReplica } from '../support/watched-replica.ts'

const replica = useReplica()

describe.each(backends)('entry page on %s', (backend) => {
  const db = useTestDatabase(backend)

  it('shows every version, where and when it was listed, its alerts and the stored pages it was read from', async () => {
    // step 2 edits WSPO-BGYT8M's summary
    await watchReplica(db(), replica(), [{ step: 0 }, { step: 0 }, { step: 2 }])
    const event = await db().selectFrom('change_event').innerJoin('entry', 'entry.id', 'change_event.entry_id').select('change_event.id').where('entry_key', '=', 'WSPO-BGYT8M').where('kind', '=', 'changed').executeTakeFirstOrThrow()
    await addSubscriptions(db(), ['team-mail', 'hook'], afterRun(2))
    await insertDeliveries(db(), [{ eventId: event.id, subscription: 'team-mail' }, { eventId: event.id, subscription: 'hook' }, { eventId: event.id, subscription: 'digest' }], afterRun(2))
    await claimDeliveries(db(), 'team-mail', 10, afterRun(2))
    await claimDeliveries(db(), 'hook', 10, afterRun(2))
    const messages = await db().selectFrom('delivery_message').select(['id', 'subscription']).execute()
    const messageOf = (name: string) => messages.find((message) => message.subscription === name)?.id ?? -1
    await markMessageSent(db(), messageOf('team-mail'), afterRun(2))
    await markMessageFailed(db(), { messageId: messageOf('hook'), error: 'HTTP 410 Gone', nextAttemptAt: null })

    const page = await entryPage(db(), 'WSPO-BGYT8M')
    expect(page?.history.versions).toHaveLength(2)
    expect(page?.history.versions[1]?.fields.summary).not.toBe(page?.history.versions[0]?.fields.summary)
    expect(page?.listings).toEqual([
      expect.objectContaining({ source: 'social-innovation', listingUrl: SOCIAL_INNOVATION.url, firstSeen: expect.objectContaining({ runId: 1 }), lastSeen: expect.objectContaining({ runId: 3 }) }),
    ])
    expect(page?.listings[0]?.pageUrl).toContain('social-innovation-issue')
    expect(page?.alerts.map((alert) => [alert.kind, alert.subscription, alert.status, alert.sentAt === null, alert.lastError])).toEqual([
      ['changed', 'digest', 'waiting', true, null],
      ['changed', 'hook', 'dead', true, 'HTTP 410 Gone'],
      ['changed', 'team-mail', 'sent', false, null],
    ])
    // what its own page added: read in the first run, kept with the version
    expect(page?.history.versions[0]?.detail).not.toBeNull()

    // the listing's page unchanged for two runs is one stored body; step 2 changed it
    const listingPages = page?.pages.filter((stored) => stored.kind === 'listing-page') ?? []
    expect(listingPages.map((stored) => stored.runId)).toEqual([1, 3])
    const entryPages = page?.pages.filter((stored) => stored.kind === 'entry-page') ?? []
    expect(entryPages.length).toBeGreaterThan(0)
    const bodyOf = async (stored: StoredPageRef) => {
      const body = await storedPage(db(), stored.kind, stored.fetchId)
      expect(body?.url).toBe(stored.url)
      return (await readPageBody(db(), body?.sha256 ?? ''))?.toString('latin1')
    }
    for (const stored of listingPages) expect(await bodyOf(stored)).toContain('BGYT8M')
    for (const stored of entryPages) expect(stored.url).toContain('BGYT8M')
    for (const stored of entryPages) expect(await bodyOf(stored)).toContain('class="detailtitle"')
  })

  it('finds an entry by a URL it had, and nothing for an unknown key or fetch', async () => {
    await watchReplica(db(), replica(), [{ step: 0 }])
    const version = await db().selectFrom('entry_version').innerJoin('entry', 'entry.id', 'entry_version.entry_id').select('url').where('entry_key', '=', 'WSPO-BGYT8M').executeTakeFirstOrThrow()
    expect((await entryPage(db(), version.url))?.history.key).toBe('WSPO-BGYT8M')
    expect(await entryPage(db(), 'WSPO-NOSUCH')).toBeNull()
    expect(await storedPage(db(), 'listing-page', 987654)).toBeNull()
    expect(await storedPage(db(), 'entry-page', 987654)).toBeNull()
  })
})
