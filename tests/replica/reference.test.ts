import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { renderListingPage } from '../../replica/legacy/render.ts'
import { LEGACY_LISTINGS, SOCIAL_INNOVATION } from '../../replica/legacy/listings.ts'
import { listingEntries } from '../../replica/legacy/dataset.ts'
import { entriesAt } from '../../replica/legacy/timeline.ts'
import { readFixture, readFixtureJson } from '../support/fixtures.ts'
import { entryIds, replica } from './support.ts'

const shared = Buffer.from(readFixture('legacy/social-innovation-issue.html'))
const expected = readFixtureJson<{ entries: { key: string }[] }>('legacy/social-innovation-issue.expected.json')

describe('reference page', () => {
  it('bundles an exact copy of the shared fixture', () => {
    const copy = readFileSync(new URL('../../replica/legacy/social-innovation-issue.html', import.meta.url))
    expect(copy.equals(shared)).toBe(true)
  })

  it('serves it byte for byte as page 1 of social-innovation at step 0', async () => {
    const r = await replica()
    const res = await fetch(r.origin + SOCIAL_INNOVATION)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(Buffer.from(await res.arrayBuffer()).equals(shared)).toBe(true)
  })

  it('renders the same bytes from the dataset, so later steps keep the reference data', () => {
    const listing = LEGACY_LISTINGS.find((l) => l.path === SOCIAL_INNOVATION)
    if (listing === undefined) throw new Error('no social-innovation listing')
    const state = entriesAt(0)
    const html = renderListingPage({
      listing,
      entries: listingEntries(state.values(), SOCIAL_INNOVATION).slice(0, 10),
      page: 1,
      pageCount: 3,
      relatedEvent: state.get(listing.relatedEventId),
    })
    expect(html).toBe(shared.toString('utf8'))
    expect(entryIds(html)).toEqual(expected.entries.map((e) => e.key))
  })
})
