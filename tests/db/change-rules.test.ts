// The diff decides changed/moved in SQL (db/changes.ts), history in JavaScript (diffVersions): over the
// same stored pairs of versions, hostile and cosmetic ones included, both must say the same.
import { describe, expect, it } from 'vitest'
import { insertChangeEvents } from '../../db/changes.ts'
import { diffVersions } from '../../domain/version-diff.ts'
import type { VersionFields } from '../../domain/versioning.ts'
import { backends, useTestDatabase } from '../support/databases.ts'
import { base, cut } from '../support/version-fields.ts'

// [case, stored version before the run, version stored in the run]
const pairs: [string, VersionFields, VersionFields][] = [
  ['equal', base, { ...base, themes: [...base.themes] }],
  ['several fields, themes added and removed', base, { ...base, title: 'Entry one', themes: ['culture', 'mobility'], summary: 'New summary.', endDate: '2019-10-24' }],
  ['spaces and theme order', base, { ...base, title: ' Entry\u00a01 ', themes: ['economy', 'culture', 'economy'] }],
  ['NFD title, empty type', base, { ...base, title: 'Malmo\u0308', type: '' }],
  ['a cut summary', base, cut],
  ['the full text of a cut summary', cut, base],
  ['a cut summary and a title', cut, { ...base, title: 'Entry one' }],
  ['a new text after a cut one', cut, { ...base, summary: 'Twelve cities pledged to fight poverty.' }],
  ['a new cut text', base, { ...base, summaryTruncated: true, summary: 'Twelve cities...' }],
  ['a new URL', base, { ...base, url: 'http://www.eurocities.eu/eurocities/documents/Entry-one-WSPO-000001', title: 'Entry one' }],
  ['every kind of JavaScript space', base, { ...base, title: '\u2003Entry\u2028\t\u202f1\ufeff', url: ` ${base.url}\n` }],
  ['a zero-width space, which is no space', base, { ...base, title: 'Entry\u200b1' }],
  ['empty, spaced and decomposed themes', { ...base, themes: ['Sant\u00e9', 'culture'] }, { ...base, themes: ['', ' culture ', 'Sante\u0301', '\u00a0'] }],
  ['themes emptied', base, { ...base, themes: [' '] }],
  ['a summary cut with "…" and trailing spaces', base, { ...base, summary: 'Eleven more cities have made \u2026  ', summaryTruncated: true }],
  ['two cuts, one longer', { ...cut, summary: 'Eleven more...' }, cut],
  ['two cuts, one shorter', cut, { ...cut, summary: 'Eleven more\u2026' }],
  ['the same text, newly flagged cut', { ...base, summary: 'Eleven more...' }, { ...base, summary: 'Eleven more...', summaryTruncated: true }],
  ['a cut that is no prefix', base, { ...base, summary: 'Eleven fewer...', summaryTruncated: true }],
  ['a summary that appears', { ...base, summary: null }, base],
  ['a summary that goes', base, { ...base, summary: '  ' }],
  ['pattern characters', { ...base, summary: 'Costs 100% (_all_) of it\\, [and] more.' }, { ...base, summary: 'Costs 100% (_all_) of it\\...', summaryTruncated: true }],
  ['case only', base, { ...base, title: 'entry 1', documentType: 'brochure/report' }],
]

describe.each(backends)('the diff in SQL beside diffVersions on %s', (backend) => {
  const db = useTestDatabase(backend)

  it('finds the same changes in every pair of stored versions, moved when the URL is one of them', async () => {
    await db().insertInto('crawl_run').values([1, 2].map(() => ({ started_at: new Date(), finished_at: new Date(), status: 'complete' as const, error: null, diffed_at: null, printed_at: null }))).execute()
    for (const [index, [name, before, after]] of pairs.entries()) {
      const entry = await db().insertInto('entry').values({ entry_key: name, first_seen_run: 1, last_seen_run: 2, removed_at: null }).returning('id').executeTakeFirstOrThrow()
      const row = (fields: VersionFields, from: number, to: number | null) => ({
        entry_id: entry.id, url: fields.url, title: fields.title, type: fields.type, date: fields.date, end_date: fields.endDate, themes: fields.themes,
        summary: fields.summary, summary_truncated: fields.summaryTruncated, document_type: fields.documentType,
        valid_from_run: from, valid_to_run: to, valid_from: new Date(index), valid_to: to === null ? null : new Date(index),
      })
      await db().insertInto('entry_version').values([row(before, 1, 2), row(after, 2, null)]).execute()
    }

    const events = await insertChangeEvents(db(), 2, new Date())

    const found = Object.fromEntries(events.map((event) => [event.entry.key, { kind: event.kind, changes: event.changes }]))
    const expected = Object.fromEntries(pairs.flatMap(([name, before, after]) => {
      const changes = diffVersions(before, after)
      return changes.length === 0 ? [] : [[name, { kind: changes.some((change) => change.field === 'url') ? 'moved' : 'changed', changes }]]
    }))
    expect(found).toEqual(expected)
    // the cases are hostile enough to mean something: some are changes, some are not
    expect(Object.keys(expected).length).toBeGreaterThan(5)
    expect(pairs.length - Object.keys(expected).length).toBeGreaterThan(5)
  })
})
