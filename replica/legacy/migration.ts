// Entries of the migration & integration issue, the one section served in ISO-8859-1. Written
// as plain text full of accents and typographic punctuation: á, ó, ö (one byte each in
// windows-1252), ł, ń, Ł, ź (not in it: numeric references on the page), – “ ” ’ € (bytes 0x80-0x9F).
import type { LegacyEntry, Section } from './model.ts'
import { MIGRATION_INTEGRATION } from './listings.ts'

interface Written {
  id: string
  section: Section
  type: string
  posted: string
  themes: string[]
  title: string
  summary: string
  docType?: string
  /** Events: start and end date. */
  event?: [string, string]
}

const WRITTEN: Written[] = [
  {
    id: 'BL7M01', section: 'news', type: 'news', posted: '2019-10-22', themes: ['cooperation'],
    title: 'Málaga & Kraków sign a “welcome city” pact',
    summary: 'The mayors of Málaga and Kraków agreed to share their reception centres’ know-how – from language courses to first jobs – over the next three years.',
  },
  {
    id: 'BL7M02', section: 'allcontent', type: 'case study', posted: '2019-10-18', themes: ['culture'],
    title: 'Łódź – a city of four cultures, again',
    summary: 'Łódź’s new integration office works with Ukrainian, Belarusian and Vietnamese communities; its motto: “one city, many languages”.',
  },
  {
    id: 'BL7M03', section: 'publications', type: 'publication', posted: '2019-10-15', themes: ['knowledge society'], docType: 'brochure/report',
    title: 'Göteborg, Malmö and Århus: housing newcomers',
    summary: 'How three Nordic cities house newly arrived refugees, with the cost per household in € and lessons for cities elsewhere.',
  },
  {
    id: 'BL7M04', section: 'news', type: 'news', posted: '2019-10-11', themes: [],
    title: 'München’s “Ankommen” app reaches 50,000 users',
    summary: 'The app – available in eleven languages – guides new residents through registration, schools and health care in München.',
  },
  {
    id: 'BL7M05', section: 'calendar/events_list', type: 'event', posted: '2019-10-09', themes: ['cooperation'], event: ['2019-11-26', '2019-11-27'],
    title: 'Integrating cities conference in Córdoba',
    summary: 'Two days on “cities of refuge”, hosted by Córdoba’s city council.',
  },
  {
    id: 'BL7M06', section: 'allcontent', type: 'case study', posted: '2019-10-04', themes: ['economy'],
    title: 'Liège: the “Café des Langues” – where newcomers meet employers',
    summary: 'Every Thursday, job-seekers from 40 countries practise French with local employers over coffee; one in five has since found work.',
  },
  {
    id: 'BL7M07', section: 'news', type: 'news', posted: '2019-09-30', themes: ['cooperation', 'economy'],
    title: 'Wrocław and Poznań open one-stop shops for foreign workers',
    summary: 'Wrocław’s and Poznań’s new offices answer questions on permits, housing and schools – in Polish, Ukrainian and English.',
  },
  {
    id: 'BL7M08', section: 'documents', type: 'publication', posted: '2019-09-26', themes: ['cooperation'], docType: 'policy publication',
    title: 'Our statement on the EU’s “New Pact on Migration and Asylum”',
    summary: 'Cities ask for direct access to EU funds for reception and integration: “we are where integration happens”.',
  },
  {
    id: 'BL7M09', section: 'allcontent', type: 'case study', posted: '2019-09-20', themes: ['knowledge society'],
    title: 'Düsseldorf’s “Bildungsbüro” for young refugees',
    summary: 'Düsseldorf’s education office finds a school place for every young newcomer within four weeks – and a mentor for the first year.',
  },
  {
    id: 'BL7M10', section: 'news', type: 'news', posted: '2019-09-16', themes: ['culture'],
    title: 'Besançon, Nîmes and Sète welcome artists in exile',
    summary: 'Three French cities offer studios and stipends to artists who fled their countries – the first exhibition opens in Nîmes in December.',
  },
  {
    id: 'BL7M11', section: 'allcontent', type: 'case study', posted: '2019-09-12', themes: ['economy'],
    title: 'A Coruña’s “Emprende” programme: newcomers as entrepreneurs',
    summary: 'A Coruña helped 60 migrants start a business in two years – bakeries, repair shops and a translation agency among them.',
  },
  {
    id: 'BL7M12', section: 'news', type: 'news', posted: '2019-09-05', themes: ['mobility'],
    title: 'Bicycles for newcomers in Linköping and Umeå',
    summary: 'Volunteers repair donated bikes – 800 so far – and teach newcomers the rules of the road.',
  },
]

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }

/** Plain text to HTML escaping only markup: the accents and curly quotes stay characters, to become bytes. */
function htmlOf(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ESCAPES[c] ?? c)
}

/** The text back from `htmlOf`'s HTML (what a parser reads from the page). */
export function textOf(html: string): string {
  return html.replace(/&(amp|lt|gt|quot);/g, (ref) => Object.keys(ESCAPES).find((c) => ESCAPES[c] === ref) ?? ref)
}

export const MIGRATION_ENTRIES: LegacyEntry[] = WRITTEN.map((w) => ({
  id: w.id,
  section: w.section,
  titleHtml: htmlOf(w.title),
  summaryHtml: htmlOf(w.summary),
  type: w.type,
  date: w.event?.[0] ?? w.posted,
  endDate: w.event?.[1] ?? null,
  posted: w.posted,
  themes: w.themes,
  docType: w.docType ?? null,
  absoluteHref: false,
  listings: [MIGRATION_INTEGRATION],
}))
