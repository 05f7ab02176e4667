// A Slack alert: Block Kit messages posted to an incoming webhook. A long digest becomes several
// messages within Slack's limits, each entry whole in one of them, each message saying
// "part i of n". Everything taken from the site goes through slack-mrkdwn.ts.
import { setTimeout as sleep } from 'node:timers/promises'
import { DeliveryError, type Alert, type AlertChannel, type OperatorNotice } from '../../domain/alert.ts'
import type { ChangeEvent, ChangeKind, FieldChange, HealthEvent } from '../../domain/change.ts'
import { baselineLine, countsLine, describeScope, groupsOncePerChange, seenOnSources, totalChanges } from '../../domain/change-report.ts'
import { describeEndpoint, postJson, type HttpPostTuning } from '../../channels/http-post.ts'
import type { SlackChannelConfig } from '../config/schema.ts'
import { dateRange, fieldLabel, formatTime, formatValue, themeDelta } from '../reports/fields.ts'
import { sitePiece, siteLine } from '../reports/site-text.ts'
import { summaryDiff } from './clean-text.ts'
import { mrkdwnLink, mrkdwnText } from './slack-mrkdwn.ts'

/**
 * Slack's limits for a message:
 * - at most 50 blocks (docs.slack.dev/reference/block-kit/blocks);
 * - a section's text at most 3000 characters (docs.slack.dev/reference/block-kit/blocks/section-block,
 *   and .../composition-objects/text-object);
 * - a header's plain_text at most 150 characters (docs.slack.dev/reference/block-kit/blocks/header-block);
 * - the blocks' text together: Slack refuses a message with msg_blocks_too_long from about 12,000
 *   characters, a limit it does not document (slackapi/bolt-js#2509, #2867): we send at most 10,000.
 * An incoming webhook takes about one message per second (docs.slack.dev/apis/web-api/rate-limits):
 * the parts of one alert are paced.
 */
export const SLACK_LIMITS = { blocksPerMessage: 50, sectionChars: 3000, headerChars: 150, messageChars: 10_000 } as const

// one entry's text, whatever the site put in it: a section holds it with its heading
const MAX_ITEM_CHARS = 2400
const MAX_HEADING_CHARS = 300

export type MrkdwnObject = { type: 'mrkdwn'; text: string; verbatim: true }
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: false } }
  | { type: 'context'; elements: MrkdwnObject[] }
  | { type: 'section'; text: MrkdwnObject }

export interface SlackMessage {
  /** The notification's text (and the fallback where blocks are not shown). */
  text: string
  blocks: SlackBlock[]
}

export type SlackTuning = Partial<HttpPostTuning> & { partIntervalMs?: number }

export function slackChannel(config: SlackChannelConfig, sendAttempts: number, tuning: SlackTuning = {}): AlertChannel {
  const { partIntervalMs = 1100, ...postTuning } = tuning
  // Slack does not dedupe: the parts of an alert already posted by this process are not posted
  // again when the outbox retries the alert after a later part failed
  const posted = new Map<string, number>()
  return {
    description: describeEndpoint('slack', config.url),
    async send(alert: Alert): Promise<void> {
      const messages = slackMessages(alert)
      for (let index = posted.get(alert.key) ?? 0; index < messages.length; index++) {
        if (index > 0) await sleep(partIntervalMs)
        const part = messages.length === 1 ? '' : ` (part ${index + 1} of ${messages.length})`
        const headers = { 'Content-Type': 'application/json', 'Idempotency-Key': messages.length === 1 ? alert.key : `${alert.key}-part-${index + 1}` }
        const body = Buffer.from(JSON.stringify(messages[index]), 'utf8')
        try {
          await postJson({ url: config.url, body, headers, timeoutMs: config.timeoutSeconds * 1000, attempts: sendAttempts, label: 'slack' }, postTuning)
        } catch (error) {
          if (error instanceof DeliveryError) throw new DeliveryError(`${error.message}${part}`, error.retryable, error.retryAfterMs)
          throw error
        }
        remember(posted, alert.key, index + 1)
      }
      posted.delete(alert.key)
    },
  }
}

function remember(posted: Map<string, number>, key: string, parts: number): void {
  posted.delete(key)
  posted.set(key, parts)
  // a process sends a bounded number of alerts; the oldest unfinished ones are forgotten first
  if (posted.size > 1000) posted.delete(posted.keys().next().value ?? key)
}

/** The messages of one alert, in order; several only when one would pass Slack's limits. */
export function slackMessages(alert: Alert): SlackMessage[] {
  const sections = packSections(groupsOf(alert))
  const parts = packMessages(sections.length === 0 ? ['No changes.'] : sections)
  const title = siteLine(titleOf(alert)).slice(0, SLACK_LIMITS.headerChars)
  return parts.map((blocks, index) => {
    const part = parts.length === 1 ? '' : `part ${index + 1} of ${parts.length}`
    const context = [summaryOf(alert), part].filter((text) => text !== '').join(' · ')
    return {
      text: part === '' ? title : `${title} (${part})`,
      blocks: [{ type: 'header', text: { type: 'plain_text', text: title, emoji: false } }, { type: 'context', elements: [mrkdwn(context)] }, ...blocks.map((text) => section(text))],
    }
  })
}

interface Group {
  heading: string
  items: string[]
}

const KIND_HEADINGS: Record<ChangeKind, string> = { new: 'New', changed: 'Changed', moved: 'Moved', removed: 'Removed', reappeared: 'Reappeared' }

function titleOf(alert: Alert): string {
  if (alert.kind === 'test') return `eurowatch: a test alert for ${alert.subscription}`
  if (alert.kind === 'operator') return `eurowatch: ${alert.notices.length} operator notice${alert.notices.length === 1 ? '' : 's'}`
  const total = totalChanges(alert.report)
  return `eurowatch: ${total} change${total === 1 ? '' : 's'} for ${alert.subscription}`
}

function summaryOf(alert: Alert): string {
  if (alert.kind === 'operator') return formatTime(alert.createdAt)
  const baseline = baselineLine(alert.report)
  return mrkdwnText([describeScope(alert.report.scope), countsLine(alert.report.counts), baseline].filter((part) => part !== null).join(' · '), 600)
}

function groupsOf(alert: Alert): Group[] {
  const groups: Group[] = []
  if (alert.kind === 'test') {
    groups.push({ heading: '*This is a test.*', items: [mrkdwnText(`Alerts of subscription ${alert.subscription} will look like this; nothing below is news.`, 300)] })
  }
  if (alert.notices.length > 0) groups.push({ heading: '*Notices*', items: alert.notices.map(noticeItem) })
  if (alert.report.health.length > 0) groups.push({ heading: `*Health problems (${alert.report.health.length})*`, items: alert.report.health.map(healthItem) })
  // a change seen on several listings is told once, under the first, naming them all
  for (const group of groupsOncePerChange(alert.report)) {
    const source = group.listing === null ? '(no listing)' : mrkdwnText(group.listing.source, 100)
    for (const { kind, events } of group.kinds) groups.push({ heading: `*${source}* · ${KIND_HEADINGS[kind]} (${events.length})`, items: events.map(eventItem) })
  }
  return groups
}

function noticeItem(notice: OperatorNotice): string {
  const listing = notice.listing === null ? '' : ` · ${mrkdwnLink(notice.listing.url, notice.listing.source, 100)}`
  const runs = `${notice.occurrences} run${notice.occurrences === 1 ? '' : 's'}`
  const head = `• *${notice.state === 'open' ? 'Open' : 'Resolved'}:* ${mrkdwnText(notice.problem, 200)}${listing}`
  return `${head}\n      ${mrkdwnText(notice.message, 1000)} (since ${formatTime(notice.since)}, ${runs})`
}

function healthItem(event: HealthEvent): string {
  const page = event.pageUrl === null ? '' : ` · ${mrkdwnLink(event.pageUrl, 'page', 10)}`
  return `• ${mrkdwnLink(event.listing.url, event.listing.source, 100)} (run ${event.runId}): ${event.problem}: ${mrkdwnText(event.message, 600)}${page}`
}

function eventItem(event: ChangeEvent): string {
  const { entry } = event
  const themes = entry.themes.length === 0 ? null : entry.themes.join(', ')
  const listings = seenOnSources(event)
  const seenOn = listings.length === 0 ? null : `seen on: ${listings.join(', ')}`
  const facts = [entry.type, dateRange(entry), themes, entry.documentType, seenOn].filter((fact) => fact !== null).map((fact) => mrkdwnText(fact, 120))
  const head = `• ${mrkdwnLink(entry.url, entry.title ?? '(no title)', 300)}${facts.length === 0 ? '' : ` · ${facts.join(' · ')}`}`
  const lines = [head, ...event.changes.map((change) => `      ${fieldLabel(change.field)}: ${changeText(change)}`)]
  // never more than an item's share of a section: the last details give way, the entry stays whole
  while (lines.join('\n').length > MAX_ITEM_CHARS && lines.length > 1) lines.pop()
  return lines.join('\n')
}

function changeText(change: FieldChange): string {
  if (change.field === 'themes') {
    const { added, removed } = themeDelta(change)
    const parts = [...added.map((t) => `+${t}`), ...removed.map((t) => `−${t}`)]
    return parts.length === 0 ? '(reordered)' : mrkdwnText(parts.join(' '), 300)
  }
  if (change.field === 'summary') return summaryText(change)
  return `${mrkdwnText(formatValue(change.before), 200)} → ${mrkdwnText(formatValue(change.after), 200)}`
}

/** Removed words struck through, added ones bold; the markers hug the words (`* x*` is not bold). */
function summaryText(change: FieldChange): string {
  let text = ''
  for (const { kind, text: words } of summaryDiff(change)) {
    const { lead, body, trail } = sitePiece(words)
    const inert = mrkdwnText(body, 600)
    const marker = inert === '' ? '' : kind === 'added' ? '*' : kind === 'removed' ? '~' : ''
    // ~Ghent~*Antwerp* formats neither: a marked piece next to another is set apart
    const apart = lead !== '' || (marker !== '' && /[*~]$/.test(text)) ? ' ' : ''
    const piece = `${apart}${marker}${inert}${marker}${trail}`
    if (text.length + piece.length > 600) return `${text.trimEnd()} …`
    text += piece
  }
  return text.replace(/ {2,}/g, ' ').trim()
}

/** Items into section texts of at most 3000 characters, a group's heading atop each of its sections. */
function packSections(groups: Group[]): string[] {
  const sections: string[] = []
  for (const { heading, items } of groups) {
    let current = heading.slice(0, MAX_HEADING_CHARS)
    let holds = 0
    for (const item of items) {
      if (holds > 0 && current.length + 1 + item.length > SLACK_LIMITS.sectionChars) {
        sections.push(current)
        current = `${heading.slice(0, MAX_HEADING_CHARS)} (continued)`
        holds = 0
      }
      current += `\n${item}`
      holds++
    }
    sections.push(current)
  }
  return sections
}

/** Sections into messages: at most 48 of them (a header and a context block come first) and 10,000 characters with those. */
function packMessages(sections: string[]): string[][] {
  const maxSections = SLACK_LIMITS.blocksPerMessage - 2
  // the header (150) and the context line (counts and "part i of n")
  const room = SLACK_LIMITS.messageChars - SLACK_LIMITS.headerChars - 500
  const messages: string[][] = []
  let current: string[] = []
  let chars = 0
  for (const text of sections) {
    if (current.length > 0 && (current.length === maxSections || chars + text.length > room)) {
      messages.push(current)
      current = []
      chars = 0
    }
    current.push(text)
    chars += text.length
  }
  if (current.length > 0) messages.push(current)
  return messages
}

function mrkdwn(text: string): MrkdwnObject {
  return { type: 'mrkdwn', text, verbatim: true }
}

function section(text: string): SlackBlock {
  return { type: 'section', text: mrkdwn(text) }
}
