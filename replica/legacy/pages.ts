// The legacy site's other pages: entry details, "not found", robots.txt, a redesigned
// listing (layout-drift fault) and two non-HTML resources.
import type { LegacyEntry } from './model.ts'
import { displayDate, escapeHtml } from './model.ts'
import { renderFrame } from './layout.ts'
import { entryHref, themesHtml } from './render.ts'

/**
 * An entry's own page: the full summary (listings of documents cut it), the publication date and
 * document type, the files to download (publications) and the staff contact of its first listing.
 * `withBlock: false` serves the page as a broken template printed it: title only, no `.detailinfo`.
 */
export function renderDetailPage(e: LegacyEntry, contact: string, withBlock = true): string {
  const date = e.endDate === null ? `publication date: ${displayDate(e.date)}` : `start date: ${displayDate(e.date)} - end date: ${displayDate(e.endDate)}`
  const doc = e.docType === null ? '' : `<br /><span class="doctype">${escapeHtml(e.docType)}</span>`
  const files = e.type === 'publication' || e.docType !== null
    ? [`  <ul class="downloads"><li><a href="/eurocities/documents/report.pdf">download the document (PDF)</a></li></ul>`]
    : []
  return renderFrame({
    titleHtml: e.titleHtml ?? '',
    bodyClass: 'detail',
    selected: null,
    content: withBlock
      ? [
          ...(e.themes.length > 0 ? [`  ${themesHtml(e.themes)}`] : []),
          `  <h1 class="detailtitle">${e.titleHtml ?? ''}</h1>`,
          `  <div class="detailinfo"><span class="newstype">${escapeHtml(e.type)}</span> &middot; <span class="newsdate">${date}</span>${doc}</div>`,
          ...(e.summaryHtml === null ? [] : [`  <div class="detailtext"><p>${e.summaryHtml}</p></div>`]),
          ...files,
        ]
      : [`  <h1 class="detailtitle">${e.titleHtml ?? ''}</h1>`, '  <p>This page is being updated.</p>'],
    rightcol: ['  <div class="box staffcontact">', '   <h3>EUROCITIES staff contact</h3>', `   <p>${escapeHtml(contact)}</p>`, '  </div>'],
  })
}

export function renderNotFound(path: string): string {
  return renderFrame({
    titleHtml: 'page not found',
    bodyClass: 'error',
    selected: null,
    content: ['  <h1>page not found</h1>', `  <p>There is no page at ${escapeHtml(path)}.</p>`],
    rightcol: [],
  })
}

/** The same entries as a redesign would print them: nothing a legacy parser recognises. */
export function renderDriftPage(title: string, entries: LegacyEntry[]): string {
  const cards = entries.map((e) =>
    [
      '  <article class="teaser">',
      `   <h3 class="teaser__title"><a href="${entryHref(e)}">${e.titleHtml ?? ''}</a></h3>`,
      `   <p class="teaser__meta">${escapeHtml(e.type)} | ${displayDate(e.date)}</p>`,
      ...(e.summaryHtml === null ? [] : [`   <p class="teaser__text">${e.summaryHtml}</p>`]),
      '  </article>',
    ].join('\n'),
  )
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><title>${escapeHtml(title)} | EUROCITIES</title></head>`,
    '<body>',
    '<section id="main">',
    ...cards,
    '</section>',
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

export const ROBOTS_TXT = ['User-agent: *', 'Disallow: /eurocities/search', 'Allow: /', ''].join('\n')

/** A 1x1 transparent GIF. */
export const LOGO_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64')

/** A minimal one-page PDF: enough for a crawler to see a non-HTML body. */
export const REPORT_PDF = Buffer.from(
  [
    '%PDF-1.4',
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj',
    'trailer << /Root 1 0 R >>',
    '%%EOF',
    '',
  ].join('\n'),
  'latin1',
)
