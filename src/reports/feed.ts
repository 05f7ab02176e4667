// The report as a feed (Atom, RSS 2.0, JSON Feed): one item per change, for analysts' feed readers. Pure.
import { Feed } from 'feed'
import type { ChangeEvent } from '../../domain/change.ts'
import { dateRange, fieldLabel, formatValue, themeDelta, webUrl } from './fields.ts'
import { siteText } from './site-text.ts'
import { describeScope, reportEvents, type ChangeReport } from '../../domain/change-report.ts'

export type FeedFormat = 'atom' | 'rss' | 'jsonfeed'

const KIND_TITLES: Record<ChangeEvent['kind'], string> = { new: 'New', changed: 'Changed', moved: 'Moved', removed: 'Removed', reappeared: 'Reappeared' }

export function renderFeed(report: ChangeReport, format: FeedFormat): string {
  // Readers take Atom and RSS titles, and every feed's item body, as HTML (the library declares
  // type="html" and writes JSON Feed's content_html): what the site wrote must reach them as text.
  const titleOf = format === 'jsonfeed' ? siteText : asHtml
  const events = reportEvents(report)
  const newest = events.reduce((latest, event) => (event.detectedAt > latest ? event.detectedAt : latest), new Date(0))
  const site = siteOf(report)
  const feed = new Feed({
    // stable, so a feed reader sees one feed however often the report is written
    id: 'urn:eurowatch:changes',
    title: 'eurowatch: new, changed and removed entries',
    description: `Changes ${describeScope(report.scope)}`,
    updated: events.length > 0 ? newest : report.generatedAt,
    generator: 'eurowatch',
    copyright: '',
    // RSS needs a channel link: the site of the listings in scope
    link: site,
  })
  for (const event of events) {
    feed.addItem({
      // one change of one entry in one run: the diff records it once, the feed shows it once
      id: `urn:eurowatch:change:${event.runId}:${event.entry.key}:${event.kind}`,
      title: titleOf(`${KIND_TITLES[event.kind]}: ${event.entry.title ?? '(no title)'}`),
      // a javascript: or data: link is no link: the item links to its listing instead (the URL stays in the text)
      link: webUrl(event.entry.url) ?? (event.listing ? webUrl(event.listing.url) : null) ?? site,
      date: event.detectedAt,
      description: asHtml(describeEvent(event)),
      category: [event.kind, ...(event.listing ? [event.listing.source] : []), ...event.entry.themes].map((name) => ({ name: siteText(name) })),
    })
  }
  return `${format === 'atom' ? feed.atom1() : format === 'rss' ? feed.rss2() : feed.json1()}\n`
}

/** The origin of the first listing in scope; the project's page when there is none. */
function siteOf(report: ChangeReport): string {
  const listings = [...report.groups.flatMap((group) => (group.listing ? [group.listing] : [])), ...report.health.map((event) => event.listing)]
  for (const listing of listings) {
    const url = webUrl(listing.url)
    if (url !== null) return `${new URL(url).origin}/`
  }
  return PROJECT_PAGE
}

const PROJECT_PAGE = 'https://github.com/eurowatch/eurowatch'

function asHtml(text: string): string {
  return siteText(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '<br/>')
}

/** Plain text, one fact or change a line. */
function describeEvent(event: ChangeEvent): string {
  const { entry } = event
  const facts = [entry.type, dateRange(entry), entry.themes.join(', ') || null, entry.documentType].filter((fact) => fact)
  const changes = event.changes.map((change) => {
    if (change.field === 'themes') {
      const { added, removed } = themeDelta(change)
      return `themes: ${[...added.map((t) => `+${t}`), ...removed.map((t) => `-${t}`)].join(' ')}`
    }
    return `${fieldLabel(change.field)}: ${formatValue(change.before)} -> ${formatValue(change.after)}`
  })
  const link = webUrl(entry.url) === null ? `link (not a web address): ${entry.url}` : null
  return [facts.join(' | '), ...changes, link, event.kind === 'changed' || event.kind === 'moved' ? null : entry.summary].filter((line) => line).join('\n')
}
