// A listing as of a moment as one static HTML page that reads like the listing did: theme tags,
// the title as a link, the summary, type and date, in the listing's order. No script, nothing
// loaded from elsewhere (a Content-Security-Policy says so); every piece of site text sanitised
// (site-text.ts) and escaped, and only http(s) URLs become links. Pure.
import type { ListingSnapshot, SnapshotEntry } from '../../domain/archive.ts'
import { crawlLine, validityText } from './snapshot.ts'
import { dateRange } from './fields.ts'
import { escapeHtml } from './html.ts'
import { siteText } from './site-text.ts'

const STYLE = `
body{margin:0;background:#f4f5f7;color:#1f2937;font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
header,main,footer{max-width:760px;margin:0 auto;padding:0 16px}
header{padding-top:24px}
h1{font-size:24px;margin:0 0 4px}
.scope{color:#6b7280;font-size:13px;margin:0 0 16px}
ol.listing{list-style:none;margin:0;padding:0}
ol.listing>li{background:#fff;border:1px solid #e5e7eb;border-radius:6px;margin:0 0 12px;padding:14px 16px}
.themes{list-style:none;margin:0 0 4px;padding:0;display:flex;flex-wrap:wrap;gap:4px}
.themes li{background:#e0ecff;color:#1d4ed8;border-radius:10px;font-size:12px;padding:0 8px}
h2{font-size:17px;margin:0 0 6px}
h2 a{color:#0f3d8a;text-decoration:none}
.summary{margin:0 0 6px}
.meta,.version{color:#6b7280;font-size:13px;margin:0}
.position{float:right;color:#9ca3af;font-size:12px}
footer{color:#6b7280;font-size:12px;padding-bottom:24px}
`.trim()

export function renderSnapshotHtml(snapshot: ListingSnapshot): string {
  const title = `${snapshot.listing.source} as of ${snapshot.asOfText}`
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="generator" content="eurowatch">
<title>${text(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${text(snapshot.listing.source)}</h1>
<p class="scope">${link(snapshot.listing.url, snapshot.listing.url)}<br>as of ${text(snapshot.asOfText)}: ${text(crawlLine(snapshot))}</p>
</header>
<main>
${snapshot.entries.length === 0 ? '<p>(no entries)</p>' : `<ol class="listing">\n${snapshot.entries.map(entryItem).join('\n')}\n</ol>`}
</main>
<footer>A snapshot by eurowatch from what it stored: the listing as its last complete crawl at that moment saw it, each entry as that crawl read it.</footer>
</body>
</html>
`
}

function entryItem(entry: SnapshotEntry): string {
  const f = entry.fields
  const themes = f.themes.length === 0 ? '' : `<ul class="themes">${f.themes.map((theme) => `<li>${text(theme)}</li>`).join('')}</ul>\n`
  const summary = f.summary === null ? '' : `<p class="summary">${text(f.summary)}${f.summaryTruncated ? ' <em>(cut by the listing)</em>' : ''}</p>\n`
  const dates = dateRange(f)
  const meta = [
    f.type === null ? '' : `<span class="type">${text(f.type)}</span>`,
    dates === null ? '' : f.date !== null && f.endDate === null ? `<time datetime="${text(f.date)}">${text(dates)}</time>` : text(dates),
    f.documentType === null ? '' : `<span class="document-type">${text(f.documentType)}</span>`,
  ].filter(Boolean)
  return `<li id="entry-${entry.position}"><span class="position">${entry.position}</span>
${themes}<h2>${link(f.title ?? '(no title)', f.url)}</h2>
${summary}${meta.length === 0 ? '' : `<p class="meta">${meta.join(' · ')}</p>\n`}<p class="version">${text(entry.key)}; ${text(validityText(entry.validity))}</p></li>`
}

/** An http(s) link; any other URL (javascript:, data:) is shown as text beside its label. */
function link(label: string, url: string): string {
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) return `${text(label)} <span class="url">(${text(url)})</span>`
  return `<a href="${text(url)}">${text(label)}</a>`
}

/** Site text as HTML: sanitised (no control or bidirectional characters), then escaped. */
function text(value: string): string {
  return escapeHtml(siteText(value))
}
