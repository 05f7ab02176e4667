// An entry's history as text and JSON: every version, when it was first and last seen, and
// what changed from the version before, by the diff's own rules (diffVersions). Pure.
import type { EntryHistory, HistoryVersion, Seen } from '../../domain/entry-history.ts'
import type { FieldChange } from '../../domain/change.ts'
import type { EntryDetail } from '../../domain/detail.ts'
import { diffVersions } from '../../domain/version-diff.ts'
import { dateRange, fieldLabel, formatTime, formatValue, textOf } from './fields.ts'
import { siteInline } from './site-text.ts'
import { changeText, painter } from './text.ts'
import { wordDiff, type WordSegment } from './word-diff.ts'

export function renderHistoryText(history: EntryHistory, options: { color: boolean }): string {
  const paint = painter(options.color)
  const count = history.versions.length
  const status = history.removedAt === null ? 'listed' : `removed ${formatTime(history.removedAt)}`
  const lines = [
    paint('bold', `entry ${siteInline(history.key)}${history.asOf === null ? '' : ` as of ${formatTime(history.asOf)}`}`),
    `  ${count} version${count === 1 ? '' : 's'}; seen from run ${history.firstSeenRun} to run ${history.lastSeenRun}; ${status}`,
  ]
  history.versions.forEach((version, index) => {
    const previous = index === 0 ? undefined : history.versions[index - 1]
    lines.push('', paint('bold', `version ${index + 1}: ${validity(version)}${ORIGIN_NOTE[version.origin]}`), `  ${seenLine(version)}`)
    for (const correction of version.corrections) {
      const recorded = diffVersions(correction.recorded, version.fields)
      lines.push(`  corrected by a re-parse ${formatTime(correction.at)}; as first recorded:`)
      if (recorded.length === 0) lines.push('    the same under the diff rules (a summary completed, or cosmetics)')
      // the values as they were recorded, not a diff: what an archivist cites from the first record
      for (const change of recorded) lines.push(`    ${fieldLabel(change.field)}: ${quoted(change.before)}`)
    }
    if (previous === undefined) lines.push(...snapshotLines(version))
    else {
      const changes = diffVersions(previous.fields, version.fields)
      // a version the diff reports nothing for: the listing's cut summary now in full, or cosmetics
      if (changes.length === 0) lines.push('  no change under the diff rules (a cut summary now in full, or cosmetics)')
      for (const change of changes) lines.push(`  ${fieldLabel(change.field)}: ${changeText(change, paint, options.color)}`)
    }
    if (version.detail !== null) lines.push(...detailLines(version.detail))
  })
  return `${lines.join('\n')}\n`
}

const ORIGIN_NOTE: Record<HistoryVersion['origin'], string> = {
  crawl: '',
  reparse: ' [correction: re-parsed from the stored pages]',
  backfill: ' [backfilled from web-archive captures]',
}

function validity(version: HistoryVersion): string {
  const from = `from run ${version.validFromRun} (${formatTime(version.validFromRunAt)})`
  if (version.validToRun === null) return `${from}, current`
  return `${from} until run ${version.validToRun} (${version.validToRunAt === null ? '?' : formatTime(version.validToRunAt)})`
}

function quoted(value: FieldChange['before']): string {
  return value === null || Array.isArray(value) ? siteInline(formatValue(value)) : JSON.stringify(siteInline(value))
}

function seenLine(version: HistoryVersion): string {
  return seenWords(version, (seen) => `run ${seen.runId} (${formatTime(seen.at)})`)
}

/**
 * When a version was seen. One replaced within its first run (its own page, read later in that
 * run, added to it) has no sighting of its own: the run's sightings went to the version after it.
 */
export function seenWords<S>(version: { validFromRun: number; validToRun: number | null; firstSeen: S | null; lastSeen: S | null }, at: (seen: S) => string): string {
  if (version.firstSeen === null && version.validToRun === version.validFromRun) return `seen only in run ${version.validFromRun}, where the next version replaced it`
  const when = (seen: S | null) => (seen === null ? 'never' : at(seen))
  return `first seen ${when(version.firstSeen)}, last seen ${when(version.lastSeen)}`
}

function snapshotLines(version: HistoryVersion): string[] {
  const f = version.fields
  const facts = [f.type ?? '(no type)', dateRange(f) ?? '(no date)', f.themes.length === 0 ? '(no themes)' : f.themes.join(', ')]
  if (f.documentType !== null) facts.push(f.documentType)
  const lines = [`  ${f.title === null ? '(no title)' : siteInline(f.title)}`, `  ${siteInline(facts.join(' | '))}`, `  ${siteInline(f.url)}`]
  if (f.summary !== null) lines.push(`  ${siteInline(f.summary)}${f.summaryTruncated ? ' (cut by the listing)' : ''}`)
  return lines
}

/** What the entry's own page said, beyond its listing card. */
function detailLines(detail: EntryDetail): string[] {
  const facts = [
    detail.published === null ? [] : `published ${detail.published}`,
    detail.documentType ?? [],
    detail.author === null ? [] : `by ${detail.author}`,
    detail.tags.length === 0 ? [] : `tags: ${detail.tags.join(', ')}`,
    detail.postId === null ? [] : `post ${detail.postId}`,
  ].flat()
  const lines = [`  its page: ${facts.length === 0 ? 'read' : siteInline(facts.join(' | '))}`]
  if (detail.contact !== null) lines.push(`  contact: ${siteInline(detail.contact)}`)
  for (const file of detail.files) lines.push(`  file: ${siteInline(file.label)} <${siteInline(file.url)}>`)
  if (detail.text !== null) lines.push(`  text: ${siteInline(detail.text.length > TEXT_SHOWN ? `${detail.text.slice(0, TEXT_SHOWN).trimEnd()}…` : detail.text)}`)
  return lines
}

// The page's text in the terminal: its beginning (all of it in --format json).
const TEXT_SHOWN = 240

export interface HistoryJson {
  version: 1
  key: string
  /** The moment asked for with --as-of; null: everything stored. */
  asOf: string | null
  firstSeenRun: number
  lastSeenRun: number
  removedAt: string | null
  versions: {
    validFromRun: number
    validToRun: number | null
    validFrom: string
    validTo: string | null
    firstSeen: { runId: number; at: string } | null
    lastSeen: { runId: number; at: string } | null
    fields: HistoryVersion['fields']
    /** What its own page said (publication date, document type, files, contact, author, tags, post id, full text); null when not read. */
    detail: EntryDetail | null
    /** 'crawl', 'reparse' (a correction: fields re-read from the stored pages) or 'backfill' (read from web-archive captures). */
    origin: HistoryVersion['origin']
    /** The re-parses that corrected it, oldest first, each with the fields as recorded before. */
    corrections: { at: string; recorded: HistoryVersion['fields'] }[]
    /** Against the version before, as the diff reports it; empty for the first. The summary carries its word diff. */
    changes: (FieldChange & { words?: WordSegment[] })[]
  }[]
}

export function toHistoryJson(history: EntryHistory): HistoryJson {
  const seen = (s: Seen | null) => (s === null ? null : { runId: s.runId, at: s.at.toISOString() })
  return {
    version: 1,
    key: history.key,
    asOf: history.asOf?.toISOString() ?? null,
    firstSeenRun: history.firstSeenRun,
    lastSeenRun: history.lastSeenRun,
    removedAt: history.removedAt?.toISOString() ?? null,
    versions: history.versions.map((v, index) => {
      const previous = history.versions[index - 1]
      const changes = previous === undefined ? [] : diffVersions(previous.fields, v.fields)
      return {
        validFromRun: v.validFromRun,
        validToRun: v.validToRun,
        validFrom: v.validFrom.toISOString(),
        validTo: v.validTo?.toISOString() ?? null,
        firstSeen: seen(v.firstSeen),
        lastSeen: seen(v.lastSeen),
        fields: { ...v.fields, themes: [...v.fields.themes] },
        detail: v.detail,
        origin: v.origin,
        corrections: v.corrections.map((correction) => ({ at: correction.at.toISOString(), recorded: { ...correction.recorded, themes: [...correction.recorded.themes] } })),
        changes: changes.map((c) => (c.field === 'summary' ? { ...c, words: wordDiff(textOf(c.before), textOf(c.after)) } : c)),
      }
    }),
  }
}

export function renderHistoryJson(history: EntryHistory): string {
  return `${JSON.stringify(toHistoryJson(history), null, 2)}\n`
}
