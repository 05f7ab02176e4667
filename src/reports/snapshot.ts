// A listing as of a moment, as text, Markdown, JSON and CSV (HTML: snapshot-html.ts). Site text
// is escaped for each format; JSON and CSV carry it as stored. Shapes in docs/export.md. Pure.
import type { ListingSnapshot, SnapshotEntry, Validity } from '../../domain/archive.ts'
import { csvLines, versionCells, versionJson, VERSION_COLUMNS, type VersionJson } from './archive-fields.ts'
import { dateRange, formatTime } from './fields.ts'
import { escapeMarkdown, link } from './markdown.ts'
import { siteInline } from './site-text.ts'

/** "run 3 (complete crawl finished 2026-11-26 12:01 UTC; 5 pages, 45 entries)", or the captures a backfilled one was read from. */
export function crawlLine(snapshot: ListingSnapshot): string {
  const { crawl } = snapshot
  const counts = `${plural(crawl.pages, 'page')}, ${plural(snapshot.entries.length, 'entry', 'entries')}`
  if (crawl.origin === 'crawl') return `run ${crawl.runId} (complete crawl finished ${formatTime(crawl.finishedAt)}; ${counts})`
  const times = crawl.captures.map((capture) => capture.capturedAt.getTime())
  const span = times.length === 0 ? formatTime(crawl.startedAt) : `${formatTime(new Date(Math.min(...times)))} to ${formatTime(new Date(Math.max(...times)))}`
  return `run ${crawl.runId} (backfilled from ${plural(crawl.captures.length, 'web-archive capture')} taken ${span}; ${counts})`
}

export function renderSnapshotText(snapshot: ListingSnapshot): string {
  const lines = [
    `listing ${siteInline(snapshot.listing.source)} as of ${siteInline(snapshot.asOfText)}: ${crawlLine(snapshot)}`,
    `  ${siteInline(snapshot.listing.url)}`,
  ]
  for (const entry of snapshot.entries) {
    const f = entry.fields
    const facts = [f.type ?? '(no type)', dateRange(f) ?? '(no date)', f.themes.length === 0 ? '(no themes)' : f.themes.join(', ')]
    if (f.documentType !== null) facts.push(f.documentType)
    lines.push('', `${String(entry.position).padStart(4)}. ${f.title === null ? '(no title)' : siteInline(f.title)}`, `      ${siteInline(facts.join(' | '))}`, `      ${siteInline(f.url)}`)
    if (f.summary !== null) lines.push(`      ${siteInline(f.summary)}${f.summaryTruncated ? ' (cut by the listing)' : ''}`)
    lines.push(`      ${siteInline(entry.key)}; ${validityText(entry.validity)}`)
  }
  if (snapshot.entries.length === 0) lines.push('', '  (no entries)')
  return `${lines.join('\n')}\n`
}

export function validityText(validity: Validity): string {
  const from = `version of run ${validity.validFromRun} (${formatTime(validity.validFrom)})`
  return validity.validToRun === null ? `${from}, current then` : `${from}, until run ${validity.validToRun}`
}

export function renderSnapshotMarkdown(snapshot: ListingSnapshot): string {
  const lines = [
    `# ${escapeMarkdown(snapshot.listing.source)} as of ${escapeMarkdown(snapshot.asOfText)}`,
    '',
    link(snapshot.listing.url, snapshot.listing.url),
    '',
    `Last complete crawl at that moment: ${crawlLine(snapshot)}.`,
    '',
  ]
  for (const entry of snapshot.entries) {
    const f = entry.fields
    const facts = [f.type ?? 'no type', dateRange(f) ?? 'no date', f.themes.length === 0 ? 'no themes' : f.themes.join(', ')]
    if (f.documentType !== null) facts.push(f.documentType)
    lines.push(`${entry.position}. ${link(f.title ?? '(no title)', f.url)}: ${facts.map(escapeMarkdown).join(' · ')}`)
    // a continuation line is indented to the item's text, or it ends the list
    const indent = ' '.repeat(String(entry.position).length + 2)
    if (f.summary !== null) lines.push(`${indent}${escapeMarkdown(f.summary)}${f.summaryTruncated ? ' *(cut by the listing)*' : ''}`)
  }
  if (snapshot.entries.length === 0) lines.push('*(no entries)*')
  return `${lines.join('\n')}\n`
}

export interface SnapshotJson {
  version: 1
  listing: { source: string; url: string }
  asOf: string
  crawl: { runId: number; startedAt: string; finishedAt: string; pages: number; origin: 'crawl' | 'backfill'; captures: { page: number; url: string; capturedAt: string }[] }
  entries: (VersionJson & { position: number; page: number; key: string })[]
}

export function toSnapshotJson(snapshot: ListingSnapshot): SnapshotJson {
  const { crawl } = snapshot
  return {
    version: 1,
    listing: { ...snapshot.listing },
    asOf: snapshot.asOf.toISOString(),
    crawl: {
      runId: crawl.runId,
      startedAt: crawl.startedAt.toISOString(),
      finishedAt: crawl.finishedAt.toISOString(),
      pages: crawl.pages,
      origin: crawl.origin,
      captures: crawl.captures.map((capture) => ({ page: capture.page, url: capture.url, capturedAt: capture.capturedAt.toISOString() })),
    },
    entries: snapshot.entries.map(entryJson),
  }
}

function entryJson(entry: SnapshotEntry): SnapshotJson['entries'][number] {
  return { position: entry.position, page: entry.pageNumber, key: entry.key, ...versionJson(entry.fields, entry.validity) }
}

export function renderSnapshotJson(snapshot: ListingSnapshot): string {
  return `${JSON.stringify(toSnapshotJson(snapshot), null, 2)}\n`
}

export const SNAPSHOT_CSV_HEADER = ['position', 'page', 'key', ...VERSION_COLUMNS] as const

export function renderSnapshotCsv(snapshot: ListingSnapshot): string {
  return csvLines([[...SNAPSHOT_CSV_HEADER], ...snapshot.entries.map((entry) => [entry.position, entry.pageNumber, entry.key, ...versionCells(versionJson(entry.fields, entry.validity))])])
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`
}
