// Terminal text: plain by default, ANSI-coloured when asked. Pure: the caller decides colour
// (TTY and NO_COLOR), so styleText must not check process.stdout itself (validateStream: false).
import { styleText } from 'node:util'
import type { ChangeEvent, ChangeKind, FieldChange, HealthEvent } from '../../domain/change.ts'
import { dateRange, fieldLabel, formatTime, formatValue, incrementalLines, textOf, themeDelta } from './fields.ts'
import { siteInline } from './site-text.ts'
import { baselineLine, countsLine, describeScope, totalChanges, type ChangeReport, type ListingRef, type ReportRun } from '../../domain/change-report.ts'
import { wordDiff } from './word-diff.ts'

export interface TextOptions {
  color: boolean
}

type Style = Parameters<typeof styleText>[0]

const KIND_STYLE: Record<ChangeKind, { heading: string; mark: string; style: Style }> = {
  new: { heading: 'New', mark: '+', style: 'green' },
  changed: { heading: 'Changed', mark: '~', style: 'yellow' },
  moved: { heading: 'Moved', mark: '>', style: 'cyan' },
  removed: { heading: 'Removed', mark: '-', style: 'red' },
  reappeared: { heading: 'Reappeared', mark: '*', style: 'blue' },
}

export function renderText(report: ChangeReport, options: TextOptions): string {
  const paint = painter(options.color)
  const lines: string[] = [paint('bold', `eurowatch report: ${describeScope(report.scope)}`)]
  for (const run of report.runs) lines.push(`  ${runLine(run)}`, ...incrementalLines(run).map((line) => `    ${line}`))
  if (report.runs.length === 0) lines.push('  no runs in scope')

  if (report.health.length > 0) {
    lines.push('', paint(['bold', 'red'], `Health problems (${report.health.length})`))
    for (const event of report.health) lines.push(...healthLines(event, paint))
  }
  for (const group of report.groups) {
    lines.push('', paint('bold', listingHeading(group.listing)))
    for (const { kind, events } of group.kinds) {
      const look = KIND_STYLE[kind]
      lines.push(paint(look.style, `  ${look.heading} (${events.length})`))
      for (const event of events) lines.push(...eventLines(event, paint, options.color))
    }
  }
  const total = totalChanges(report)
  const health = report.health.length > 0 ? `; ${report.health.length} health problem${report.health.length === 1 ? '' : 's'}` : ''
  lines.push('', `${total === 0 ? 'No changes' : `Total: ${total} change${total === 1 ? '' : 's'}`} (${countsLine(report.counts)})${health}`)
  const baseline = baselineLine(report)
  if (baseline !== null) lines.push(baseline)
  return `${lines.join('\n')}\n`
}

export type Paint = (style: Style, text: string) => string

export function painter(color: boolean): Paint {
  return (style, text) => (color ? styleText(style, text, { validateStream: false }) : text)
}

function runLine(run: ReportRun): string {
  const finished = run.finishedAt === null ? 'not finished' : `finished ${formatTime(run.finishedAt)}`
  return `run ${run.id}: ${run.status}, started ${formatTime(run.startedAt)}, ${finished}`
}

function listingHeading(listing: ListingRef | null): string {
  return listing === null ? '(no listing)' : `${siteInline(listing.source)}  ${siteInline(listing.url)}`
}

function healthLines(event: HealthEvent, paint: Paint): string[] {
  const lines = [`  ${paint('red', '!')} ${siteInline(event.listing.source)} (run ${event.runId}): ${event.problem}: ${siteInline(event.message)}`]
  lines.push(`    listing ${siteInline(event.listing.url)}`)
  if (event.pageUrl !== null) lines.push(`    page ${siteInline(event.pageUrl)}`)
  return lines
}

function eventLines(event: ChangeEvent, paint: Paint, color: boolean): string[] {
  const { entry } = event
  const look = KIND_STYLE[event.kind]
  const facts = [
    entry.type === null ? '(no type)' : siteInline(entry.type),
    dateRange(entry) ?? '(no date)',
    entry.themes.length === 0 ? '(no themes)' : siteInline(entry.themes.join(', ')),
  ]
  if (entry.documentType !== null) facts.push(siteInline(entry.documentType))
  const lines = [
    `    ${paint(look.style, look.mark)} ${paint('bold', entry.title === null ? '(no title)' : siteInline(entry.title))}`,
    `      ${facts.join(' | ')}`,
    `      ${siteInline(entry.url)}`,
  ]
  for (const change of event.changes) lines.push(`      ${fieldLabel(change.field)}: ${changeText(change, paint, color)}`)
  return lines
}

/** One field's change on one line: before → after, themes as +added −removed, the summary as a word diff. */
export function changeText(change: FieldChange, paint: Paint, color: boolean): string {
  if (change.field === 'themes') {
    const { added, removed } = themeDelta(change)
    const parts = [...added.map((t) => paint('green', `+${siteInline(t)}`)), ...removed.map((t) => paint('red', `−${siteInline(t)}`))]
    return parts.length === 0 ? '(reordered)' : parts.join(' ')
  }
  if (change.field === 'summary') {
    return wordDiff(textOf(change.before), textOf(change.after))
      .map(({ kind, text }) => {
        const shown = siteInline(text)
        if (kind === 'same') return shown
        // colour carries the meaning on a terminal; the git-style markers do in plain text
        if (color) return kind === 'added' ? paint('green', shown) : paint(['red', 'strikethrough'], shown)
        return kind === 'added' ? `{+${shown}+}` : `[-${shown}-]`
      })
      .join('')
  }
  return `${siteInline(formatValue(change.before))} → ${siteInline(formatValue(change.after))}`
}
