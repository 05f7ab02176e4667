// History shows between two versions exactly what the diff reports between them: no more (a cut
// summary against its full text, cosmetics), no less, field by field.
import type { Kysely } from 'kysely'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { entryHistory } from '../../db/entry-history.ts'
import type { EntryHistory } from '../../domain/entry-history.ts'
import { upsertListing } from '../../db/listings.ts'
import { createRun, finishRun } from '../../db/runs.ts'
import type { Database } from '../../db/schema.ts'
import type { ParsedEntry } from '../../domain/entry.ts'
import { diffRun, type DiffSummary } from '../../jobs/diff.ts'
import { storeListingPage } from '../db/fixtures.ts'
import { renderHistoryText, seenWords, toHistoryJson } from '../../src/reports/history.ts'
import { parsedEntry as e, T0 } from '../db/fixtures.ts'
import { backends, useTestDatabase } from '../support/databases.ts'

const silent = pino({ level: 'silent' })
let clock = T0.getTime()
const now = () => new Date((clock += 1000))

/** One run: each listing's single page, in the order given; then its diff. */
async function runAndDiff(db: Kysely<Database>, pages: [listing: string, entries: ParsedEntry[]][]): Promise<DiffSummary> {
  const runId = await createRun(db, now())
  for (const [listing, entries] of pages) {
    const listingId = await upsertListing(db, { sourceId: listing, profile: 'eurocities-legacy', url: `http://www.eurocities.eu/${listing}` })
    const page = {
      runId, listingId, pageNumber: 1, canonicalUrl: `http://www.eurocities.eu/${listing}`, fetchedUrl: 'http://127.0.0.1/x',
      status: 200, contentType: 'text/html', headers: null, body: null, charset: null, durationMs: 1, attempts: 1,
      outcome: 'fetched' as const, error: null, entries, firstPosition: 1, theme: null, themeSource: 'page' as const,
    }
    await storeListingPage({ db, now }, page)
  }
  await finishRun(db, runId, { status: 'complete', pagesFetched: pages.length, entriesSeen: 0, versionsCreated: 0, error: null }, now())
  return diffRun({ db, now, log: silent }, runId, { removeAfter: 2 })
}

async function historyOf(db: Kysely<Database>, key: string): Promise<EntryHistory> {
  const history = await entryHistory(db, key)
  if (history === null) throw new Error(`no history of ${key}`)
  return history
}

/** History's changes for the versions opened in a run, without the summary's word diff. */
function historyChangesIn(history: EntryHistory, runId: number) {
  const json = toHistoryJson(history)
  return json.versions.filter((v) => v.validFromRun === runId).flatMap((v) => v.changes.map(({ words: _words, ...change }) => change))
}

// every entry shows this summary unless a case says otherwise
const full = 'Summary of an entry, long enough to be cut somewhere.'
// as the listing cuts: at a space, then "..."
const cutOf = (text: string) => ({ summary: `${text.slice(0, text.lastIndexOf(' ', 30))}...`, summaryTruncated: true })

// [name, how the entry looked in run 1, how it looks in run 2]: changes and non-changes alike
const versionPairs: [string, Partial<ParsedEntry>, Partial<ParsedEntry>][] = [
  ['whitespace and no-break spaces', { title: 'Entry one' }, { title: ' Entry\u00a0 one ' }],
  ['NFD vs NFC', { title: 'Malmo\u0308' }, { title: 'Malm\u00f6' }],
  ['theme order', { themes: ['culture', 'economy'] }, { themes: ['economy', 'culture', 'economy'] }],
  ['a summary cut against its full text', {}, cutOf(full)],
  ['a cut summary completed by its full text', cutOf(full), {}],
  ['a cut summary and a new full text', cutOf(full), { summary: 'Another text altogether.' }],
  ['a full summary and a new cut one', {}, cutOf('Another text altogether, long enough')],
  ['a summary edit', {}, { summary: 'A new summary.' }],
  ['a summary removed', {}, { summary: null }],
  ['a re-tag', {}, { themes: ['cooperation', 'culture'] }],
  ['a title edit with the summary cut', {}, { title: 'Entry one, retitled', ...cutOf(full) }],
  ['an emptied type and a new date', {}, { type: '', date: '2019-10-24' }],
  ['a document type shown', {}, { documentType: 'policy publication' }],
  ['a new URL and title', {}, { url: 'http://www.eurocities.eu/eurocities/documents/Entry-one-WSPO-000001', title: 'Entry one' }],
]

describe('when a version was seen', () => {
  const at = (seen: { runId: number }) => `run ${seen.runId}`
  it('tells a version replaced within its first run (its own page added to it) as such, not as never seen', () => {
    expect(seenWords({ validFromRun: 1, validToRun: 1, firstSeen: null, lastSeen: null }, at)).toBe('seen only in run 1, where the next version replaced it')
    expect(seenWords({ validFromRun: 1, validToRun: 3, firstSeen: { runId: 1 }, lastSeen: { runId: 2 } }, at)).toBe('first seen run 1, last seen run 2')
    expect(seenWords({ validFromRun: 2, validToRun: null, firstSeen: null, lastSeen: null }, at)).toBe('first seen never, last seen never')
  })
})

describe.each(backends)('history against the diff on %s', (backend) => {
  const db = useTestDatabase(backend)

  it('shows no summary change where the listing had only cut the summary', async () => {
    // the documents listing cuts summaries, the issue page shows them in full: two versions in one run
    const first = await runAndDiff(db(), [['documents', [e(1, cutOf(full))]], ['issue', [e(1, { summary: full })]]])
    // a later run sees the entry cut only, then in full again
    const second = await runAndDiff(db(), [['documents', [e(1, cutOf(full))]]])
    const third = await runAndDiff(db(), [['issue', [e(1, { summary: full })]]])
    expect(first.events.map((ev) => ev.kind)).toEqual(['new'])
    expect([...second.events, ...third.events]).toEqual([])

    // the cut summary seen in full completes the version in place: one version, not a second one
    const history = await historyOf(db(), 'WSPO-000001')
    expect(history.versions.map((v) => [v.fields.summary, v.fields.summaryTruncated])).toEqual([[full, false]])
    expect(toHistoryJson(history).versions.map((v) => v.changes)).toEqual([[]])
    const text = renderHistoryText(history, { color: false })
    expect(text).not.toMatch(/^ {2}summary( cut)?:/m)
    expect(text).not.toContain('version 2: ')
  })

  it('agrees with the diff field by field on every pair of versions', async () => {
    const keyOf = (n: number) => e(n).key
    const cases = versionPairs.map((pair, index) => ({ n: index + 1, name: pair[0], before: pair[1], after: pair[2] }))
    await runAndDiff(db(), [['issue', cases.map((c) => e(c.n, { summary: full, ...c.before }))]])
    const second = await runAndDiff(db(), [['issue', cases.map((c) => e(c.n, { summary: full, ...c.after }))]])

    const compared = await Promise.all(cases.map(async (c) => {
      const diff = second.events.filter((ev) => ev.entry.key === keyOf(c.n)).flatMap((ev) => ev.changes)
      return { name: c.name, diff, history: historyChangesIn(await historyOf(db(), keyOf(c.n)), second.runId) }
    }))
    for (const { name, diff, history } of compared) expect({ name, history }).toEqual({ name, history: diff })

    // and what they agree on is the diff rules: cosmetics and cuts are no change, the rest is
    const fields = Object.fromEntries(compared.map(({ name, diff }) => [name, diff.map((change) => change.field)]))
    expect(fields).toEqual({
      'whitespace and no-break spaces': [],
      'NFD vs NFC': [],
      'theme order': [],
      'a summary cut against its full text': [],
      'a cut summary completed by its full text': [],
      'a cut summary and a new full text': ['summary'],
      'a full summary and a new cut one': ['summary'],
      'a summary edit': ['summary'],
      'a summary removed': ['summary'],
      'a re-tag': ['themes'],
      'a title edit with the summary cut': ['title'],
      'an emptied type and a new date': ['type', 'date'],
      'a document type shown': ['documentType'],
      'a new URL and title': ['url', 'title'],
    })
  })
})
