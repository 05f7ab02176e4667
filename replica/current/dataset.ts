// The current site at step 0: a few hand-written posts (the ones the timeline changes, so its
// edits read clearly), upcoming events, and seeded filler. Same bytes on every machine.
import { seededRandom } from '../legacy/generate.ts'
import { addDays, escapeHtml, slugify, TOPICS, type Category, type CurrentPost } from './model.ts'

function post(id: number, title: string, fields: Partial<CurrentPost> & Pick<CurrentPost, 'categories' | 'date'>): CurrentPost {
  return { id, slug: slugify(title), titleHtml: escapeHtml(title), summaryHtml: null, topics: [], published: fields.date, readingMinutes: 4, ...fields }
}

const S = (text: string) => escapeHtml(text)

const HAND_WRITTEN: CurrentPost[] = [
  post(9108, 'Cities lead the way on clean air', { categories: ['News', 'Spotlight'], date: '2026-06-24', topics: ['climate', 'mobility'], readingMinutes: 5,
    summaryHtml: S('Forty mayors commit to cutting nitrogen dioxide levels by half before 2030.') }),
  post(9107, 'Mayors call for a stronger urban agenda', { categories: ['Press release'], date: '2026-06-23', readingMinutes: 3,
    summaryHtml: S('Meeting in Brussels, the mayors of thirty cities asked the Commission to give cities a seat at the table.') }),
  post(9106, 'Why cities need their own climate budgets', { categories: ['Opinion'], date: '2026-06-22', topics: ['climate'], readingMinutes: 7 }),
  { ...post(9105, 'Affordable housing: Malaga and Vienna', { categories: ['Publications', 'News'], date: '2026-06-20', topics: ['social-affairs'], readingMinutes: 12,
    summaryHtml: S('What two cities’ housing companies learned from twenty years of public housing.') }), titleHtml: 'Affordable housing: M&aacute;laga &amp; Vienna' },
  post(9104, 'Night trains connect member cities', { categories: ['News'], date: '2026-06-19', topics: ['mobility', 'culture'],
    summaryHtml: S('Seven new night connections link member cities from Lisbon to Tallinn.') }),
  post(9103, 'Cities’ position on the Data Act', { categories: ['Policy papers', 'Publications'], date: '2026-06-17', topics: ['digital'], readingMinutes: 6,
    summaryHtml: S('Our members set out what the Data Act needs from local government & how cities will use it.') }),
  post(9102, 'Bike lanes that stay', { categories: ['News'], date: '2026-06-16', topics: ['mobility'], readingMinutes: 3,
    summaryHtml: S('Pop-up bike lanes from 2020 are now permanent in nine cities.') }),
  post(9101, 'Culture capitals share their legacy', { categories: ['News', 'Spotlight'], date: '2026-06-12', topics: ['culture'],
    summaryHtml: S('Former European capitals of culture compare what stayed after the year ended.') }),
]

// Events with future dates: the site lists them after the dated news.
const UPCOMING_EVENTS: CurrentPost[] = [
  post(9005, 'Eurocities 2026 Braga', { categories: ['Events'], date: '2026-11-04', published: '2026-05-20', topics: ['culture'], readingMinutes: 2,
    summaryHtml: S('Our annual conference comes to Braga.') }),
  post(9004, 'Urban Mobility Forum 2026', { categories: ['Events'], date: '2026-09-18', published: '2026-05-12', topics: ['mobility'], readingMinutes: 2,
    summaryHtml: S('Transport officers from member cities meet in Gdańsk.') }),
  post(9003, 'Social Affairs Forum 2026', { categories: ['Events'], date: '2026-10-07', published: '2026-06-02', topics: ['social-affairs'], readingMinutes: 2,
    summaryHtml: S('Deputy mayors for social affairs meet in Vienna.') }),
  post(9002, 'Digital Cities Summit', { categories: ['Events', 'Spotlight'], date: '2026-12-02', published: '2026-06-10', topics: ['digital'], readingMinutes: 3 }),
  post(9001, 'Climate adaptation lab', { categories: ['Events'], date: '2026-09-30', published: '2026-04-28', topics: ['climate'], readingMinutes: 2,
    summaryHtml: S('A two-day lab on heat plans, in Seville.') }),
]

const CITIES = ['Ghent', 'Lyon', 'Tampere', 'Bologna', 'Kraków', 'Utrecht', 'Nantes', 'Espoo', 'Bristol', 'Seville', 'Leipzig', 'Porto', 'Cluj-Napoca', 'Aarhus']
const SUBJECTS = ['school streets', 'heat plans', 'open data', 'library hubs', 'housing first', 'tram lines', 'digital skills', 'urban forests', 'street art', 'job guarantees']
const TITLES = [
  (c: string, s: string) => `${c} scales up ${s}`,
  (c: string, s: string) => `What ${c} learned from ${s}`,
  (c: string, s: string) => `${s[0]?.toUpperCase()}${s.slice(1)}: the ${c} model`,
]
const PRIMARY: Category[] = ['News', 'News', 'News', 'News', 'Opinion', 'Publications', 'Publications', 'Policy papers', 'Press release', 'Events']

/** `count` filler posts, newest first from `newest`, one to five days apart. */
function fillerPosts(seed: number, count: number, newest: string): CurrentPost[] {
  const rand = seededRandom(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T
  const out: CurrentPost[] = []
  const slugs = new Set<string>()
  let date = newest
  for (let i = 0; i < count; i++) {
    const city = pick(CITIES)
    const subject = pick(SUBJECTS)
    let title = pick(TITLES)(city, subject)
    while (slugs.has(slugify(title))) title += ' (update)'
    slugs.add(slugify(title))
    const primary = pick(PRIMARY)
    const extra: Category[] = rand() < 0.25 ? [primary === 'Policy papers' ? 'Publications' : 'Spotlight'] : []
    // Every third post is about mobility, so that topic has more than a page.
    const topics = TOPICS.map((t) => t.slug).filter((t) => (t === 'mobility' && i % 3 === 0) || rand() < 0.25)
    const summary = rand() < 0.15 ? null : `${city} shares how ${subject} changed daily life, what it cost and what comes next.`
    out.push(post(8000 + count - i, title, {
      categories: [primary, ...extra], date, topics, readingMinutes: 1 + Math.floor(rand() * 12), summaryHtml: summary === null ? null : S(summary),
    }))
    date = addDays(date, -1 - Math.floor(rand() * 5))
  }
  return out
}

/** Step-0 posts. Do not mutate. */
export const BASE_POSTS: readonly CurrentPost[] = [...HAND_WRITTEN, ...UPCOMING_EVENTS, ...fillerPosts(2026, 32, '2026-06-10')]

/** Posts published at step 1, at the top of /latest/ (two of them in mobility, one in climate). */
export const PUBLISHED_AT_STEP1: CurrentPost[] = [
  post(9111, 'Mayors sign the green city accord', { categories: ['Press release'], date: '2026-06-26', topics: ['mobility', 'digital'], readingMinutes: 3,
    summaryHtml: S('Twenty mayors signed the accord in Ghent, with targets for 2030.') }),
  post(9110, 'Cities and the heat: a report', { categories: ['Publications'], date: '2026-06-26', topics: ['climate'], readingMinutes: 9,
    summaryHtml: S('How twelve cities prepare for summers above 40 °C.') }),
  post(9109, 'A summer of cycling in Ghent', { categories: ['News', 'Spotlight'], date: '2026-06-25', topics: ['mobility', 'climate'] }),
]
