// The plain-text part of an alert e-mail: what the HTML part says, for readers and filters that
// read text. Site text is cleaned to one line each, so no title can start a line of ours.
import type { Alert, OperatorNotice } from '../../domain/alert.ts'
import type { ChangeEvent, ChangeKind, FieldChange, HealthEvent } from '../../domain/change.ts'
import { baselineLine, groupsOncePerChange, seenOnSources, type ReportGroup } from '../../domain/change-report.ts'
import { dateRange, fieldLabel, formatTime, formatValue, themeDelta } from '../reports/fields.ts'
import { sitePiece, siteLine } from '../reports/site-text.ts'
import { summaryDiff } from './clean-text.ts'

const MARKS: Record<ChangeKind, { heading: string; mark: string }> = {
  new: { heading: 'New', mark: '+' },
  changed: { heading: 'Changed', mark: '~' },
  moved: { heading: 'Moved', mark: '>' },
  removed: { heading: 'Removed', mark: '-' },
  reappeared: { heading: 'Reappeared', mark: '*' },
}

export interface EmailHeadline {
  /** "eurowatch digest", "eurowatch alert", "eurowatch test message", "eurowatch operator notices" */
  label: string
  /** The subscription, cleaned. */
  name: string
  /** "3 new, 1 changed" */
  summary: string
  /** "run 12 · 2026-11-26 12:05 UTC" */
  context: string
}

export function renderEmailText(alert: Alert, headline: EmailHeadline): string {
  const lines = [`${headline.label}: ${headline.name}`, `${headline.summary} · ${headline.context}`]
  const baseline = baselineLine(alert.report)
  if (baseline !== null) lines.push(baseline)
  if (alert.kind === 'test') lines.push('', 'This is a test message: the e-mail channel of this subscription works. The changes below are a sample.')
  if (alert.notices.length > 0) {
    lines.push('', 'Operator notices')
    for (const notice of alert.notices) lines.push(...noticeLines(notice))
  }
  if (alert.report.health.length > 0) {
    lines.push('', `Health problems (${alert.report.health.length})`)
    for (const event of alert.report.health) lines.push(...healthLines(event))
  }
  for (const group of groupsOncePerChange(alert.report)) lines.push(...groupLines(group))
  lines.push('', '-- ', `Sent by eurowatch for the subscription ${siteLine(alert.subscription)}; delivery ${siteLine(alert.key)}.`)
  return `${lines.join('\n')}\n`
}

function noticeLines(notice: OperatorNotice): string[] {
  const listing = notice.listing === null ? '' : ` · ${siteLine(notice.listing.source)} ${siteLine(notice.listing.url)}`
  return [
    `  [${notice.state === 'open' ? 'OPEN' : 'RESOLVED'}] ${siteLine(notice.message)}`,
    `    ${siteLine(notice.problem)}${listing}`,
    `    since ${formatTime(notice.since)}, seen in ${notice.occurrences} run${notice.occurrences === 1 ? '' : 's'}`,
  ]
}

function healthLines(event: HealthEvent): string[] {
  const lines = [`  ! ${siteLine(event.listing.source)}: ${event.problem}: ${siteLine(event.message)}`]
  if (event.pageUrl !== null) lines.push(`    page ${siteLine(event.pageUrl)}`)
  return lines
}

function groupLines(group: ReportGroup): string[] {
  const lines = ['', group.listing === null ? '== (no listing) ==' : `== ${siteLine(group.listing.source)} ==`]
  if (group.listing !== null) lines.push(siteLine(group.listing.url))
  for (const { kind, events } of group.kinds) {
    lines.push('', `${MARKS[kind].heading} (${events.length})`)
    for (const event of events) lines.push(...eventLines(event))
  }
  return lines
}

function eventLines(event: ChangeEvent): string[] {
  const { entry } = event
  const listings = seenOnSources(event)
  const facts = [entry.type, dateRange(entry), entry.themes.length === 0 ? null : entry.themes.join(', '), entry.documentType, listings.length === 0 ? null : `seen on: ${listings.join(', ')}`]
  const lines = [`  ${MARKS[event.kind].mark} ${entry.title === null ? '(no title)' : siteLine(entry.title)}`]
  const shown = facts.filter((fact) => fact !== null).map((fact) => siteLine(fact))
  if (shown.length > 0) lines.push(`    ${shown.join(' | ')}`)
  lines.push(`    ${siteLine(entry.url)}`)
  if (event.kind === 'new' && entry.summary !== null) lines.push(`    ${siteLine(entry.summary)}`)
  for (const change of event.changes) lines.push(`    ${fieldLabel(change.field)}: ${changeText(change)}`)
  return lines
}

/** Themes as +added −removed, the summary as a word diff in git's markers, the rest as before → after. */
function changeText(change: FieldChange): string {
  if (change.field === 'themes') {
    const { added, removed } = themeDelta(change)
    const parts = [...added.map((t) => `+${siteLine(t)}`), ...removed.map((t) => `−${siteLine(t)}`)]
    return parts.length === 0 ? '(reordered)' : parts.join(' ')
  }
  if (change.field === 'summary') {
    return summaryDiff(change)
      .map(({ kind, text }) => {
        const { lead, body, trail } = sitePiece(text)
        if (kind === 'same' || body === '') return `${lead}${body}${trail}`
        return kind === 'added' ? `${lead}{+${body}+}${trail}` : `${lead}[-${body}-]${trail}`
      })
      .join('')
      .replace(/ {2,}/g, ' ')
      .trim()
  }
  return `${siteLine(formatValue(change.before))} → ${siteLine(formatValue(change.after))}`
}
