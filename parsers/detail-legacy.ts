// An entry's own page on the EUROCITIES legacy site:
//   <div id="content">
//     <h1 class="detailtitle">Title</h1>
//     <div class="detailinfo"><span class="newstype">publication</span> &middot;
//       <span class="newsdate">publication date: 30-10-2019</span><br /><span class="doctype">policy publication</span></div>
//     <div class="detailtext"><p>The full summary, never cut.</p></div>           (absent when there is none)
//     <ul class="downloads"><li><a href="/eurocities/documents/report.pdf">download the document (PDF)</a></li></ul>
//   </div>
//   <div id="rightcol"><div class="box staffcontact"><h3>EUROCITIES staff contact</h3><p>Social affairs team</p></div></div>
// Events print `start date: DD-MM-YYYY - end date: DD-MM-YYYY`: the publication date read is the start.
import { load } from 'cheerio'
import type { EntryDetail } from '../domain/detail.ts'
import { LayoutError } from '../domain/errors.ts'
import { normalizeOptionalText, normalizeText, parseDayMonthYear } from '../domain/normalize.ts'

const BLOCK_SELECTOR = '#content .detailinfo'
const DATE_PATTERN = /^(?:publication date|case study date|start date) ?: ?(\d{2}-\d{2}-\d{4})/

export function parseLegacyDetail(html: string, pageUrl: string): EntryDetail {
  const $ = load(html)
  const block = $(BLOCK_SELECTOR)
  if (block.length !== 1) throw new LayoutError(`expected one ${BLOCK_SELECTOR}, found ${block.length}`, pageUrl)
  const dateLine = normalizeText(block.find('.newsdate').first().text())
  const match = DATE_PATTERN.exec(dateLine)
  const published = match?.[1] === undefined ? null : parseDayMonthYear(match[1])
  if (dateLine !== '' && published === null) throw new LayoutError(`unparseable date line "${dateLine}"`, pageUrl)
  return {
    postId: null,
    published,
    documentType: normalizeOptionalText(block.find('.doctype').text()),
    author: null,
    contact: normalizeOptionalText($('#rightcol .staffcontact p').first().text()),
    tags: [],
    files: $('#content ul.downloads a[href]')
      .toArray()
      .map((link) => ({ url: new URL($(link).attr('href') ?? '', pageUrl).href, label: normalizeText($(link).text()) })),
    text: normalizeOptionalText($('#content .detailtext').text()),
  }
}
