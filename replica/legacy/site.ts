// Routing of the legacy site: which page a raw path is at a given step.
import { readFileSync } from 'node:fs'
import type { ReplicaSite, SiteResponse } from '../types.ts'
import type { LegacyEntry } from './model.ts'
import { detailPath } from './model.ts'
import { listingEntries } from './dataset.ts'
import { entriesAt, LAST_STEP } from './timeline.ts'
import { LEGACY_LISTINGS, matchListingPage, PAGE_SIZE, SOCIAL_INNOVATION, type LegacyListing } from './listings.ts'
import { renderListingPage } from './render.ts'
import { LOGO_GIF, REPORT_PDF, renderDetailPage, renderDriftPage, renderNotFound, ROBOTS_TXT } from './pages.ts'
import { archivePage, findArchiveEntry } from './archive.ts'
import { asciiHtml, encodeHtml, htmlContentType } from './encoding.ts'
import { REFERENCE_PAGE_FILE } from '../assets.ts'
import { nthIndexOf } from '../bytes.ts'


/** Page 1 of social-innovation at step 0, served byte for byte. */
export const REFERENCE_PAGE = readFileSync(REFERENCE_PAGE_FILE)

const HTML = 'text/html; charset=utf-8'
const DETAIL = /^\/eurocities\/(?:documents|news|allcontent|calendar\/events_list|publications)\/.*-WSPO-([A-Z0-9]{6})$/
const STATIC_DATE = new Date('2019-01-07T09:00:00Z')

/** Each step is published a day after the previous one, so Last-Modified moves with it. */
function stepDate(step: number): Date {
  return new Date(Date.parse('2019-10-23T14:00:00Z') + step * 86_400_000)
}

export function createLegacySite(archivePages: number): ReplicaSite {
  const cache = new Map<string, Buffer>()

  function html(body: string | Buffer, step: number, status = 200): SiteResponse {
    return { status, contentType: HTML, body: typeof body === 'string' ? Buffer.from(body) : body, lastModified: stepDate(step) }
  }

  function listingPage(listing: LegacyListing, page: number, step: number): SiteResponse | null {
    const all = listing.kind === 'archive' ? null : listingEntries(entriesAt(step).values(), listing.path)
    const total = all === null ? archivePages * PAGE_SIZE : all.length
    const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE))
    if (page > pageCount) return null
    const entries = all === null ? archivePage(page, pageCount) : all.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)
    const charset = listing.charset ?? 'utf-8'
    const key = `${step}|${listing.path}|${page}`
    let body = cache.get(key)
    if (body === undefined) {
      const fromReference = step === 0 && page === 1 && listing.path === SOCIAL_INNOVATION
      const relatedEvent = entriesAt(step).get(listing.relatedEventId)
      body = fromReference ? REFERENCE_PAGE : encodeHtml(renderListingPage({ listing, entries, page, pageCount, relatedEvent }), charset)
      // The archive is the benchmark's 1,000-page listing: render it on demand, keep nothing.
      if (listing.kind !== 'archive') cache.set(key, body)
    }
    const fourth = nthIndexOf(body, '<div class="newsitem">', 4)
    // The server sends the redesigned page as UTF-8 under this page's Content-Type: in ASCII it reads the same in any charset.
    const drift = () => (charset === 'utf-8' ? renderDriftPage(listing.title, entries) : asciiHtml(renderDriftPage(listing.title, entries)))
    return {
      ...html(body, step),
      contentType: htmlContentType(charset),
      listing: { drift, truncateAt: fourth > 0 ? fourth : Math.floor(body.length / 2) },
    }
  }

  function detail(id: string, path: string, step: number): SiteResponse | null {
    const entry: LegacyEntry | undefined = entriesAt(step).get(id) ?? findArchiveEntry(id, archivePages)
    if (entry === undefined) return null
    const current = detailPath(entry)
    if (current !== path) {
      // A stale slug: the id is what identifies the entry, as on the real site.
      return { ...html(`<html><body><a href="${current}">moved</a></body></html>`, step, 301), headers: { Location: current } }
    }
    const contact = LEGACY_LISTINGS.find((listing) => listing.path === entry.listings[0])?.contact ?? 'Communications team'
    return { ...html(renderDetailPage(entry, contact), step), drift: () => renderDetailPage(entry, contact, false) }
  }

  function resolve(path: string, step: number): SiteResponse {
    if (path === '/robots.txt') return { status: 200, contentType: 'text/plain; charset=utf-8', body: Buffer.from(ROBOTS_TXT), lastModified: STATIC_DATE }
    if (path === '/eurocities/img/logo.gif') return { status: 200, contentType: 'image/gif', body: LOGO_GIF, lastModified: STATIC_DATE }
    if (path === '/eurocities/documents/report.pdf') return { status: 200, contentType: 'application/pdf', body: REPORT_PDF, lastModified: STATIC_DATE }
    for (const listing of LEGACY_LISTINGS) {
      const page = matchListingPage(listing, path)
      if (page === null) continue
      const found = page > 0 ? listingPage(listing, page, step) : null
      return found ?? html(renderNotFound(path), step, 404)
    }
    const id = DETAIL.exec(path)?.[1]
    const found = id === undefined ? null : detail(id, path, step)
    return found ?? html(renderNotFound(path), step, 404)
  }

  return { lastStep: LAST_STEP, resolve }
}
