// Hand-written entries that put every entry shape of DESIGN.md on page 1 of a listing.
import type { LegacyEntry } from './model.ts'
import { THEMES } from './model.ts'
import { DOCUMENTS, INNOVATION, SMART_CITIES } from './listings.ts'

type Shown = Pick<LegacyEntry, 'id' | 'section' | 'titleHtml' | 'summaryHtml' | 'type' | 'posted' | 'themes' | 'listings'> &
  Partial<LegacyEntry>

function entry(s: Shown): LegacyEntry {
  return { date: s.posted, endDate: null, docType: null, absoluteHref: false, ...s }
}

export const SHOWCASE_ENTRIES: LegacyEntry[] = [
  entry({
    id: 'BX0001', section: 'documents', titleHtml: null, type: 'news', posted: '2019-10-18', themes: ['economy'],
    summaryHtml: 'Mayors and experts met in Braşov to compare how cities fund social innovation, from impact bonds to micro-grants.',
    listings: [INNOVATION],
  }),
  entry({
    id: 'BW6A11', section: 'news', titleHtml: 'Innovation in practice: one network, six themes', type: 'news', posted: '2019-10-17',
    themes: [...THEMES],
    summaryHtml: 'A year of exchanges between our forums shows how culture, mobility and the knowledge society meet in every city&rsquo;s plans.',
    listings: [INNOVATION],
  }),
  entry({
    id: 'BW6A12', section: 'allcontent', titleHtml: 'Liège &amp; Kraków: public procurement of innovation', type: '', posted: '2019-10-16',
    themes: ['economy'],
    summaryHtml: 'Two cities, one &lsquo;buy innovative&rsquo; approach: Liège and Kraków opened their tenders to start-ups &amp; social enterprises.',
    listings: [INNOVATION],
  }),
  entry({
    id: 'BW6A13', section: 'publications', titleHtml: 'Braşov digital services: a report', type: 'publication', posted: '2019-10-15',
    themes: ['knowledge society'], docType: 'brochure/report',
    summaryHtml: 'This report follows Braşov&rsquo;s move of forty public services online and what it meant for residents without a computer at home, for older people and for the staff who answer their calls every day.',
    listings: [INNOVATION, DOCUMENTS],
  }),
  entry({
    id: 'BW7B21', section: 'calendar/events_list', titleHtml: 'Smart cities summit in München', type: 'event', posted: '2019-10-19',
    date: '2019-11-18', endDate: '2019-11-20', themes: ['environment', 'mobility'],
    summaryHtml: 'Three days on data, energy and transport, hosted by the city of München.',
    listings: [SMART_CITIES],
  }),
  entry({
    id: 'BW7B22', section: 'allcontent', titleHtml: 'Göteborg&rsquo;s green bonds', type: 'case study', posted: '2019-10-18',
    themes: ['economy', 'environment'],
    summaryHtml: 'Göteborg was the first city to issue green bonds, in 2013. Since then the money raised has paid for clean buses, energy-efficient housing and flood defences, and investors keep coming back for more.',
    listings: [SMART_CITIES, DOCUMENTS],
  }),
  entry({
    id: 'BW7B23', section: 'news', titleHtml: 'Düsseldorf opens its data &lt;API&gt; to developers', type: 'news', posted: '2019-10-17',
    themes: ['knowledge society'],
    summaryHtml: 'Timetables, parking and air quality data are now available to anyone, free of charge.',
    listings: [SMART_CITIES],
  }),
  entry({
    id: 'BW8C31', section: 'documents', titleHtml: 'Social rights in my city: policy recommendations', type: 'publication', posted: '2019-10-25',
    themes: ['cooperation'], docType: 'policy publication',
    summaryHtml: 'Our recommendations to the European Commission on putting the European Pillar of Social Rights into practice at local level, drawn from the commitments of 40 mayors &amp; the experience of their social services.',
    listings: [DOCUMENTS],
  }),
  entry({
    id: 'BW8C32', section: 'documents', titleHtml: 'Press release: Liège hosts the social affairs forum', type: 'publication', posted: '2019-10-24',
    themes: [], docType: 'press releases',
    summaryHtml: 'Over 150 city officials will meet in Liège on 6-8 November to discuss homelessness, the integration of migrants and the future of the European Social Fund after 2020.',
    listings: [DOCUMENTS],
  }),
]
