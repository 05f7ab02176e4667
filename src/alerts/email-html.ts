// The HTML part of an alert e-mail: one column of tables with inline styles, as mail clients
// want it (no <style>, no scripts, no images). Every piece of site text is cleaned to one line
// and escaped; only http(s) URLs become links.
import type { Alert, OperatorNotice } from '../../domain/alert.ts'
import type { ChangeEvent, ChangeKind, FieldChange, HealthEvent } from '../../domain/change.ts'
import { baselineLine, groupsOncePerChange, seenOnSources, type ListingRef, type ReportGroup } from '../../domain/change-report.ts'
import { dateRange, fieldLabel, formatTime, formatValue, themeDelta } from '../reports/fields.ts'
import { escapeHtml } from '../reports/html.ts'
import { sitePiece, siteLine } from '../reports/site-text.ts'
import { isWebLink, summaryDiff } from './clean-text.ts'
import type { EmailHeadline } from './email-text.ts'

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"
const INK = '#1f2937'
const MUTED = '#6b7280'
const RULE = '#e5e7eb'

const KINDS: Record<ChangeKind, { heading: string; color: string; tint: string }> = {
  new: { heading: 'New', color: '#15803d', tint: '#dcfce7' },
  changed: { heading: 'Changed', color: '#b45309', tint: '#fef3c7' },
  moved: { heading: 'Moved', color: '#1d4ed8', tint: '#dbeafe' },
  removed: { heading: 'Removed', color: '#b91c1c', tint: '#fee2e2' },
  reappeared: { heading: 'Reappeared', color: '#7e22ce', tint: '#f3e8ff' },
}

const INS = 'background:#dcfce7;color:#166534;text-decoration:none;border-radius:2px;padding:0 2px'
const DEL = 'background:#fee2e2;color:#991b1b;text-decoration:line-through;border-radius:2px;padding:0 2px'

export function renderEmailHtml(alert: Alert, headline: EmailHeadline, subject: string): string {
  const sections: string[] = []
  if (alert.kind === 'test') sections.push(banner('This is a test message: the e-mail channel of this subscription works. The changes below are a sample.', '#1d4ed8', '#dbeafe'))
  if (alert.notices.length > 0) sections.push(noticesSection(alert.notices))
  if (alert.report.health.length > 0) sections.push(healthSection(alert.report.health))
  sections.push(...groupsOncePerChange(alert.report).map(groupSection))
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${text(subject)}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6;">
<div style="display:none;max-height:0;overflow:hidden;">${text(`${headline.summary} · ${headline.context}`)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6;"><tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="640" cellpadding="0" cellspacing="0" style="width:100%;max-width:640px;background:#ffffff;border:1px solid ${RULE};border-radius:8px;font-family:${FONT};font-size:14px;line-height:1.5;color:${INK};">
<tr><td style="padding:20px 24px 16px;border-bottom:1px solid ${RULE};">
<div style="font-size:12px;letter-spacing:0.06em;text-transform:uppercase;color:${MUTED};">${text(headline.label)}</div>
<div style="font-size:20px;font-weight:600;margin:2px 0 8px;">${text(headline.name)}</div>
<div>${countChips(alert)}<span style="color:${MUTED};font-size:13px;">${text(headline.context)}</span></div>${baseline(alert)}
</td></tr>
${sections.map((section) => `<tr><td style="padding:16px 24px 8px;">${section}</td></tr>`).join('\n')}
<tr><td style="padding:16px 24px 20px;border-top:1px solid ${RULE};color:${MUTED};font-size:12px;">Sent by eurowatch for the subscription <strong>${text(alert.subscription)}</strong>. Delivery ${text(alert.key)}.</td></tr>
</table>
</td></tr></table>
</body></html>
`
}

/** Site or configuration text as HTML text: cleaned to one line, then escaped. */
function text(value: string): string {
  return escapeHtml(siteLine(value))
}

/** An http(s) link; any other URL is shown as text beside the label, never as a link target. */
function link(label: string, url: string, style = `color:#1d4ed8;text-decoration:none;`): string {
  if (!isWebLink(url)) return `${text(label)} <span style="color:${MUTED};font-size:12px;">(${text(url)})</span>`
  return `<a href="${escapeHtml(hrefOf(url))}" style="${style}">${text(label)}</a>`
}

/** White space, controls and quote marks percent-encoded: the URL stays one attribute value. */
function hrefOf(url: string): string {
  return url.replace(/[\s"'<>`\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => encodeURIComponent(c).replace(/'/g, '%27'))
}

function chip(label: string, color: string, tint: string): string {
  return `<span style="display:inline-block;margin:0 6px 4px 0;padding:1px 8px;border-radius:10px;background:${tint};color:${color};font-size:12px;font-weight:600;">${escapeHtml(label)}</span>`
}

function countChips(alert: Alert): string {
  if (alert.kind === 'operator') {
    const open = alert.notices.filter((notice) => notice.state === 'open').length
    const resolved = alert.notices.length - open
    return [open > 0 ? chip(`${open} open`, '#b91c1c', '#fee2e2') : '', resolved > 0 ? chip(`${resolved} resolved`, '#15803d', '#dcfce7') : ''].join('')
  }
  const { counts, health } = alert.report
  const chips = (Object.keys(KINDS) as ChangeKind[]).filter((kind) => counts[kind] > 0).map((kind) => chip(`${counts[kind]} ${kind}`, KINDS[kind].color, KINDS[kind].tint))
  if (health.length > 0) chips.push(chip(`${health.length} health problem${health.length === 1 ? '' : 's'}`, '#b45309', '#fef3c7'))
  return chips.join('')
}

/** Entries of listings watched from this run on: said once, small, since they are not news. */
function baseline(alert: Alert): string {
  const line = baselineLine(alert.report)
  return line === null ? '' : `<div style="margin-top:6px;color:${MUTED};font-size:12px;">${escapeHtml(line)}</div>`
}

function banner(message: string, color: string, tint: string): string {
  return `<div style="padding:10px 14px;border-radius:6px;background:${tint};color:${color};">${escapeHtml(message)}</div>`
}

function heading(label: string, listing: ListingRef | null): string {
  const where = listing === null ? '' : `<div style="font-size:12px;margin-top:2px;">${link(listing.url, listing.url, `color:${MUTED};text-decoration:none;`)}</div>`
  return `<div style="padding-bottom:6px;margin-bottom:8px;border-bottom:2px solid ${INK};"><div style="font-size:16px;font-weight:600;">${label}</div>${where}</div>`
}

function noticesSection(notices: OperatorNotice[]): string {
  const items = notices.map((notice) => {
    const state = notice.state === 'open' ? chip('OPEN', '#b91c1c', '#fee2e2') : chip('RESOLVED', '#15803d', '#dcfce7')
    const listing = notice.listing === null ? '' : ` · ${link(notice.listing.source, notice.listing.url)}`
    const runs = `seen in ${notice.occurrences} run${notice.occurrences === 1 ? '' : 's'}`
    return `<div style="padding:8px 0;border-bottom:1px solid ${RULE};">${state}<span style="font-weight:600;">${text(notice.message)}</span>
<div style="color:${MUTED};font-size:12px;"><code>${text(notice.problem)}</code>${listing} · since ${escapeHtml(formatTime(notice.since))} · ${runs}</div></div>`
  })
  return `${heading('Operator notices', null)}${items.join('\n')}`
}

function healthSection(events: HealthEvent[]): string {
  const items = events.map((event) => {
    const page = event.pageUrl === null ? '' : ` · ${link('page', event.pageUrl)}`
    return `<div style="padding:6px 0;">${link(event.listing.source, event.listing.url)}: <strong>${escapeHtml(event.problem)}</strong>: ${text(event.message)}${page}</div>`
  })
  return `<div style="padding:10px 14px;border-radius:6px;background:#fffbeb;border:1px solid #fde68a;"><div style="font-weight:600;color:#b45309;">Health problems (${events.length})</div>${items.join('\n')}</div>`
}

function groupSection(group: ReportGroup): string {
  const title = group.listing === null ? '(no listing)' : text(group.listing.source)
  const kinds = group.kinds.map(({ kind, events }) => {
    const look = KINDS[kind]
    return `<div style="margin:12px 0 4px;font-size:13px;font-weight:600;color:${look.color};text-transform:uppercase;letter-spacing:0.04em;">${look.heading} (${events.length})</div>
${events.map(eventBlock).join('\n')}`
  })
  return `${heading(title, group.listing)}${kinds.join('\n')}`
}

function eventBlock(event: ChangeEvent): string {
  const { entry } = event
  const listings = seenOnSources(event)
  const facts = [entry.type, dateRange(entry), entry.themes.length === 0 ? null : entry.themes.join(', '), entry.documentType, listings.length === 0 ? null : `seen on: ${listings.join(', ')}`].filter((fact) => fact !== null)
  const parts = [`<div style="font-size:15px;font-weight:600;">${link(entry.title ?? '(no title)', entry.url)}</div>`]
  if (facts.length > 0) parts.push(`<div style="color:${MUTED};font-size:12px;">${facts.map(text).join(' · ')}</div>`)
  if (event.kind === 'new' && entry.summary !== null) parts.push(`<div style="margin-top:4px;">${text(entry.summary)}</div>`)
  if (event.changes.length > 0) {
    const rows = event.changes.map(
      (change) =>
        `<tr><td style="padding:3px 10px 3px 0;color:${MUTED};font-size:12px;vertical-align:top;white-space:nowrap;">${escapeHtml(fieldLabel(change.field))}</td><td style="padding:3px 0;vertical-align:top;">${changeHtml(change)}</td></tr>`,
    )
    parts.push(`<table role="presentation" cellpadding="0" cellspacing="0" style="margin-top:6px;font-size:13px;">${rows.join('')}</table>`)
  }
  return `<div style="margin:0 0 10px;padding:8px 12px;border-left:3px solid ${KINDS[event.kind].color};background:#fafafa;">${parts.join('\n')}</div>`
}

function changeHtml(change: FieldChange): string {
  if (change.field === 'themes') {
    const { added, removed } = themeDelta(change)
    const parts = [...added.map((theme) => `<ins style="${INS}">+${text(theme)}</ins>`), ...removed.map((theme) => `<del style="${DEL}">−${text(theme)}</del>`)]
    return parts.length === 0 ? '(reordered)' : parts.join(' ')
  }
  if (change.field === 'summary') {
    return summaryDiff(change)
      .map(({ kind, text: segment }) => {
        const { lead, body, trail } = sitePiece(segment)
        if (kind === 'same' || body === '') return escapeHtml(`${lead}${body}${trail}`)
        return `${lead}<${kind === 'added' ? `ins style="${INS}"` : `del style="${DEL}"`}>${escapeHtml(body)}</${kind === 'added' ? 'ins' : 'del'}>${trail}`
      })
      .join('')
  }
  return `<del style="${DEL}">${text(formatValue(change.before))}</del> → <ins style="${INS}">${text(formatValue(change.after))}</ins>`
}
