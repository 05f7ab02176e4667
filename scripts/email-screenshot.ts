// Renders a sample digest e-mail (entries in the EUROCITIES replica's words) with src/alerts/email.ts
// and photographs its HTML part in Chromium: docs/email-digest.png. Run: npx tsx scripts/email-screenshot.ts
import { resolve } from 'node:path'
import { chromium } from 'playwright'
import type { Alert } from '../domain/alert.ts'
import type { ChangeEvent, EntrySnapshot } from '../domain/change.ts'
import { buildReport } from '../domain/change-report.ts'
import { CHROMIUM_ARGS, requireChromium } from '../crawlers/chromium.ts'
import { renderEmail } from '../src/alerts/email.ts'

const OUTPUT = resolve(import.meta.dirname, '../docs/email-digest.png')
const SITE = 'https://eurocities.eu'
const AT = new Date('2026-06-25T06:00:00Z')
const MOBILITY = { source: 'topic-mobility', url: `${SITE}/topics/mobility/` }
const PUBLICATIONS = { source: 'publications', url: `${SITE}/latest_categories/publications/` }

function entry(slug: string, title: string, fields: Partial<EntrySnapshot>): EntrySnapshot {
  return { key: `${SITE}/latest/${slug}/`, url: `${SITE}/latest/${slug}/`, title, type: 'News', date: null, endDate: null, themes: [], summary: null, documentType: null, ...fields }
}

let nextId = 1
function event(kind: ChangeEvent['kind'], listing: typeof MOBILITY, snapshot: EntrySnapshot, changes: ChangeEvent['changes'] = []): ChangeEvent {
  const id = nextId++
  return { id, runId: 42, kind, listing, seenOn: [{ listing, position: id }], baseline: false, entry: snapshot, changes, detectedAt: AT }
}

const events: ChangeEvent[] = [
  event('new', MOBILITY, entry('night-trains-connect-member-cities', 'Night trains connect member cities', {
    date: '2026-06-19', themes: ['Culture', 'Mobility'], summary: 'Seven new night connections link member cities from Lisbon to Tallinn.',
  })),
  event('new', MOBILITY, entry('urban-mobility-forum-2026', 'Urban Mobility Forum 2026', {
    type: 'Events', date: '2026-09-18', endDate: '2026-09-19', themes: ['Mobility'], summary: 'Transport officers from member cities meet in Gdańsk.',
  })),
  event('changed', MOBILITY, entry('cities-lead-the-way-on-clean-air', 'Cities lead the way on clean air', {
    date: '2026-06-24', themes: ['Climate', 'Environment', 'Mobility'], summary: 'Forty-two mayors commit to cutting nitrogen dioxide levels by half before 2028.',
  }), [
    { field: 'summary', before: 'Forty mayors commit to cutting nitrogen dioxide levels by half before 2030.', after: 'Forty-two mayors commit to cutting nitrogen dioxide levels by half before 2028.' },
    { field: 'themes', before: ['Climate', 'Mobility'], after: ['Climate', 'Environment', 'Mobility'], added: ['Environment'], removed: [] },
  ]),
  event('removed', MOBILITY, entry('bike-lanes-that-stay', 'Bike lanes that stay', { date: '2026-06-16', themes: ['Mobility'] })),
  event('new', PUBLICATIONS, entry('cities-position-on-the-data-act', 'Cities’ position on the Data Act', {
    type: 'Publications', date: '2026-06-17', themes: ['Digital'], documentType: 'Policy paper',
    summary: 'Our members set out what the Data Act needs from local government & how cities will use it.',
  })),
  event('changed', PUBLICATIONS, entry('affordable-housing-malaga-and-vienna', 'Affordable housing: Málaga & Vienna', {
    type: 'Publications', date: '2026-06-20', themes: ['Social affairs'],
  }), [{ field: 'title', before: 'Affordable housing: Malaga and Vienna', after: 'Affordable housing: Málaga & Vienna' }]),
]

const alert: Alert = {
  key: 'eurowatch-42-5f2c9a1e',
  subscription: 'mobility-digest',
  kind: 'changes',
  cadence: 'digest',
  report: buildReport(events, [], [{ id: 42, status: 'complete', startedAt: AT, finishedAt: AT }], { runIds: [42] }, AT),
  notices: [],
  createdAt: AT,
  history: [],
}

const { subject, html } = renderEmail(alert, '[eurowatch]')
const found = await requireChromium({ configured: process.env.CHROMIUM_PATH, searchPath: process.env.PATH })
const browser = await chromium.launch({ executablePath: found.path, headless: true, args: CHROMIUM_ARGS })
try {
  const page = await browser.newPage({ viewport: { width: 720, height: 600 } })
  // the message's own HTML, nothing fetched: it has no images or styles to load
  await page.setContent(html, { waitUntil: 'load' })
  await page.screenshot({ path: OUTPUT, fullPage: true })
} finally {
  await browser.close()
}
console.log(`${subject}\n-> ${OUTPUT}`)
