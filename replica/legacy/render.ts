// Listing pages of the legacy site in the reference page's markup. Given the step-0 data,
// page 1 of social-innovation comes out byte-identical to the reference file (tested).
import type { LegacyEntry } from './model.ts'
import { detailPath, displayDate, escapeHtml, LEGACY_ORIGIN } from './model.ts'
import type { LegacyListing } from './listings.ts'
import { listingPagePath } from './listings.ts'
import { renderFrame } from './layout.ts'

export interface ListingView {
  listing: LegacyListing
  entries: LegacyEntry[]
  page: number
  pageCount: number
  relatedEvent: LegacyEntry | undefined
}

/** Documents listings cut summaries at about this many characters. */
const CUT_AT = 160

export function renderListingPage(v: ListingView): string {
  const { listing } = v
  const intro = listing.introHtml.length === 0 ? [] : ['  <div class="issueintro">', ...listing.introHtml.map((p) => `   <p>${p}</p>`), '  </div>']
  return renderFrame({
    titleHtml: escapeHtml(listing.title),
    bodyClass: listing.kind === 'issue' ? 'issue' : listing.kind,
    selected: listing.kind === 'issue' ? listing.path : null,
    content: [
      `  <h1 class="issuetitle">${escapeHtml(listing.title)}</h1>`,
      ...intro,
      '  <div class="newslist">',
      ...v.entries.flatMap((e) => renderEntry(e, listing)),
      '  </div>',
      ...renderPager(listing, v.page, v.pageCount),
    ],
    rightcol: [...renderRelated(v.relatedEvent), '  <div class="box">', '   <h3>EUROCITIES staff contact</h3>', `   <p>${listing.contact}</p>`, '  </div>'],
    charset: listing.charset,
  })
}

export function entryHref(e: LegacyEntry): string {
  return (e.absoluteHref ? LEGACY_ORIGIN : '') + detailPath(e)
}

export function themesHtml(themes: string[]): string {
  return `<ul class="newsthemes">${themes.map((t) => `<li>&bull;&nbsp;${escapeHtml(t)}</li>`).join('')}</ul>`
}

function renderEntry(e: LegacyEntry, listing: LegacyListing): string[] {
  const lines = ['   <div class="newsitem">']
  if (e.themes.length > 0) lines.push(`    ${themesHtml(e.themes)}`)
  lines.push(`    <h2 class="newstitle"><a href="${entryHref(e)}">${e.titleHtml ?? ''}</a></h2>`)
  const summary = listing.kind === 'documents' ? cutSummary(e.summaryHtml) : e.summaryHtml
  if (summary !== null) lines.push(`    <div class="newsabstract">${summary}</div>`)
  lines.push(`    <div class="newsinfo"><span class="newstype">${escapeHtml(e.type)}</span><br />${dateHtml(e, listing)}</div>`, '   </div>')
  return lines
}

/** The date line: events show start and end; documents listings write "date :" with a space. */
export function dateHtml(e: LegacyEntry, listing: LegacyListing): string {
  if (e.endDate !== null) {
    return `<span class="newsdate">start date: ${displayDate(e.date)}</span><br /><span class="newsdate">end date: ${displayDate(e.endDate)}</span>`
  }
  const label = listing.kind !== 'documents' ? 'publication date:' : e.type === 'case study' ? 'case study date :' : 'publication date :'
  const doc = e.docType === null ? '' : `<br /><span class="doctype">${escapeHtml(e.docType)}</span>`
  return `<span class="newsdate">${label} ${displayDate(e.date)}</span>${doc}`
}

/** Cut at a space (never inside an entity) before CUT_AT characters, then "...". */
export function cutSummary(html: string | null): string | null {
  if (html === null || html.length <= CUT_AT) return html
  const space = html.lastIndexOf(' ', CUT_AT)
  return `${html.slice(0, space > 0 ? space : CUT_AT).trimEnd()}...`
}

function renderPager(listing: LegacyListing, page: number, pageCount: number): string[] {
  const href = (n: number) => listingPagePath(listing, n).replaceAll('&', '&amp;')
  // A window of at most ten numbers, so a 1,000-page listing does not print 1,000 links.
  const first = Math.max(1, Math.min(page - 4, pageCount - 9))
  const last = Math.min(pageCount, first + 9)
  const lines = ['  <div class="pager">']
  for (let n = first; n <= last; n++) {
    lines.push(n === page ? `   <span class="current">${n}</span>` : `   <a href="${href(n)}">${n}</a>`)
  }
  if (page < pageCount) lines.push(`   <a href="${href(page + 1)}" class="next">next &gt;</a>`)
  lines.push('  </div>')
  return lines
}

function renderRelated(event: LegacyEntry | undefined): string[] {
  if (event === undefined) return []
  return [
    '  <div class="box relatedevents">',
    '   <h3>related events</h3>',
    '   <div class="eventitem">',
    ...(event.themes.length > 0 ? [`    ${themesHtml(event.themes)}`] : []),
    `    <h4><a href="${entryHref(event)}">${event.titleHtml ?? ''}</a></h4>`,
    `    <span class="newsdate">start date: ${displayDate(event.date)}</span>`,
    '   </div>',
    '  </div>',
  ]
}
