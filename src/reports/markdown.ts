// GitHub-flavoured Markdown. Everything taken from a site is escaped: a title or summary is
// text, never markup, HTML or a link; only http(s) URLs become link targets.
import type { ChangeEvent, ChangeKind, FieldChange, HealthEvent } from '../../domain/change.ts'
import { dateRange, fieldLabel, formatTime, formatValue, incrementalLines, textOf, themeDelta } from './fields.ts'
import { siteInline } from './site-text.ts'
import { baselineLine, countsLine, describeScope, groupsOncePerChange, seenOnSources, totalChanges, type ChangeReport, type ListingRef } from '../../domain/change-report.ts'
import { wordDiff } from './word-diff.ts'

const HEADINGS: Record<ChangeKind, string> = { new: 'New', changed: 'Changed', moved: 'Moved', removed: 'Removed', reappeared: 'Reappeared' }

export function renderMarkdown(report: ChangeReport): string {
  const lines: string[] = [`# eurowatch report: ${escapeMarkdown(describeScope(report.scope))}`, '']
  for (const run of report.runs) {
    const finished = run.finishedAt === null ? 'not finished' : `finished ${formatTime(run.finishedAt)}`
    lines.push(`- run ${run.id}: ${run.status}, started ${formatTime(run.startedAt)}, ${finished}`)
    for (const line of incrementalLines(run)) lines.push(`  - ${escapeMarkdown(line)}`)
  }
  if (report.runs.length === 0) lines.push('- no runs in scope')
  if (report.health.length > 0) {
    lines.push('', '## Health problems', '')
    for (const event of report.health) lines.push(healthItem(event))
  }
  for (const group of groupsOncePerChange(report)) {
    lines.push('', `## ${listingHeading(group.listing)}`)
    if (group.listing !== null) lines.push('', link(group.listing.url, group.listing.url))
    for (const { kind, events } of group.kinds) {
      lines.push('', `### ${HEADINGS[kind]} (${events.length})`, '')
      for (const event of events) lines.push(...eventItem(event))
    }
  }
  const total = totalChanges(report)
  lines.push('', `**${total === 0 ? 'No changes' : `Total: ${total} change${total === 1 ? '' : 's'}`}** (${countsLine(report.counts)})`)
  if (report.health.length > 0) lines.push('', `**Health problems: ${report.health.length}**`)
  const baseline = baselineLine(report)
  if (baseline !== null) lines.push('', baseline)
  return `${lines.join('\n')}\n`
}

function listingHeading(listing: ListingRef | null): string {
  return listing === null ? '(no listing)' : escapeMarkdown(listing.source)
}

function healthItem(event: HealthEvent): string {
  const page = event.pageUrl === null ? '' : `; page ${link(event.pageUrl, event.pageUrl)}`
  return `- ${link(event.listing.source, event.listing.url)} (run ${event.runId}): ${event.problem}: ${escapeMarkdown(event.message)}${page}`
}

function eventItem(event: ChangeEvent): string[] {
  const { entry } = event
  const shown = (value: string | null, none: string): string => (value === null ? none : escapeMarkdown(value))
  const themes = entry.themes.length === 0 ? null : entry.themes.join(', ')
  const facts = [shown(entry.type, 'no type'), shown(dateRange(entry), 'no date'), shown(themes, 'no themes')]
  if (entry.documentType !== null) facts.push(escapeMarkdown(entry.documentType))
  const listings = seenOnSources(event)
  if (listings.length > 0) facts.push(`seen on: ${escapeMarkdown(listings.join(', '))}`)
  const lines = [`- ${link(entry.title ?? '(no title)', entry.url)}: ${facts.join(' · ')}`]
  for (const change of event.changes) lines.push(`  - ${fieldLabel(change.field)}: ${changeMarkdown(change)}`)
  return lines
}

function changeMarkdown(change: FieldChange): string {
  if (change.field === 'themes') {
    const { added, removed } = themeDelta(change)
    const parts = [...added.map((t) => `+${escapeMarkdown(t)}`), ...removed.map((t) => `−${escapeMarkdown(t)}`)]
    return parts.length === 0 ? '(reordered)' : parts.join(' ')
  }
  if (change.field === 'summary') {
    return wordDiff(textOf(change.before), textOf(change.after))
      .map(({ kind, text }) => (kind === 'same' ? escapeMarkdown(text) : emphasize(text, kind === 'added' ? '**' : '~~')))
      .join('')
  }
  return `${escapeMarkdown(formatValue(change.before))} → ${escapeMarkdown(formatValue(change.after))}`
}

/** Delimiters must hug the words (`** x**` is not bold): keep the spaces outside them. */
function emphasize(text: string, delimiter: string): string {
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(text)
  const [, lead = '', body = '', trail = ''] = match ?? []
  if (body === '') return escapeMarkdown(text)
  return `${escapeMarkdown(lead)}${delimiter}${escapeMarkdown(body)}${delimiter}${escapeMarkdown(trail)}`
}

/** A link when the URL is http(s); other schemes (javascript:, data:) are shown as text only. */
export function link(text: string, url: string): string {
  if (!/^https?:\/\//i.test(url)) return `${escapeMarkdown(text)} (${escapeMarkdown(url)})`
  return `[${escapeMarkdown(text)}](${escapeUrl(url)})`
}

/**
 * Inline text: whitespace collapsed (no line of ours can be started by the site), HTML
 * specials as entities, and Markdown punctuation backslash-escaped. `$` too: GitHub renders math.
 */
export function escapeMarkdown(text: string): string {
  return siteInline(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#!|~$]/g, '\\$&')
}

/**
 * A link destination: characters that end or confuse it are percent-encoded. `&` stays as
 * is (legacy URLs keep it byte for byte) unless it would read as an entity like `&copy;`.
 */
export function escapeUrl(url: string): string {
  return url
    .replace(/[\s()<>"'`\\[\]\u0000-\u001f\u007f]/g, percentEncode)
    .replace(/&(?=#?[0-9A-Za-z]+;)/g, '&amp;')
}

function percentEncode(c: string): string {
  const code = c.charCodeAt(0)
  // encodeURIComponent leaves ( ) ' alone and handles non-ASCII spaces as UTF-8
  return code < 0x80 ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : encodeURIComponent(c)
}
