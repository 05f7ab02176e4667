// The legacy listings the replica serves, by page-1 path (exactly as the real site wrote them).
import type { LegacyCharset } from './encoding.ts'

export const SOCIAL_INNOVATION = '/eurocities/issues/social-innovation-issue'
export const INNOVATION = '/eurocities/issues/innovation-issue'
export const SMART_CITIES = '/eurocities/issues/smart-cities-issue'
export const DOCUMENTS = '/eurocities/documents&sector=social-affairs'
/** Served in ISO-8859-1 (windows-1252 bytes); no configuration crawls it, so the demo does not change. */
export const MIGRATION_INTEGRATION = '/eurocities/issues/migration-integration-issue'
export const ARCHIVE = '/eurocities/allcontent&sector=archive'

export const PAGE_SIZE = 10

export interface LegacyListing {
  path: string
  kind: 'issue' | 'documents' | 'archive'
  title: string
  contentURL: string
  /** Static intro paragraphs of an issue page (HTML), not entries. */
  introHtml: string[]
  /** Id of the event shown in the "related events" box: never an entry of the listing. */
  relatedEventId: string
  contact: string
  /** The charset its pages declare and are encoded in; UTF-8 when not given. */
  charset?: LegacyCharset
}

export const LEGACY_LISTINGS: LegacyListing[] = [
  {
    path: SOCIAL_INNOVATION,
    kind: 'issue',
    title: 'social innovation',
    contentURL: 'social-innovation-issue',
    introHtml: [
      'Our work around social innovaton focuses on understanding how to foster innovation, evaluate and implement innovative pilot projects. ',
      'Local governments are required to adapt and innovate their services to respond to new and emerging challenges. Social innovation can mean new ways of formulating policies, new organisational models, new legal frameworks, new partnerships and so on.',
      'Cities are best-placed to build the kind of creative, cross-sectoral and cross-cultural thinking needed for a socially cohesive Europe. Local authorities and NGOs working in communities notice social problems as they occur. This gives them a clearer insight and perspective far in advance of national governments or EU institutions. It means they are in a good position to react to these problems and develop innovative and effective solutions to them. This innovation is closely linked to the principle of subsidiarity: giving the people nearest the problem the capacity to resolve them.',
      'Our <a href="/eurocities/activities/forums/social-affairs&amp;tpl=home">social affairs forum</a> and our nine Cities for Active Inclusion partners showcase and promote social innovation by exploring creative policies and projects. Members can share their ideas, learn from others and cooperate on joint commitments and action plans. ',
    ],
    relatedEventId: 'BGZM56',
    contact: 'Social affairs team',
  },
  {
    path: INNOVATION,
    kind: 'issue',
    title: 'innovation',
    contentURL: 'innovation-issue',
    introHtml: [
      'Cities are laboratories of innovation: new services, new partnerships and new ways of working with citizens start at local level.',
      'Our members exchange what works &amp; what does not, from open data to public procurement of innovation.',
    ],
    relatedEventId: 'BGZQ21',
    contact: 'Knowledge society team',
  },
  {
    path: SMART_CITIES,
    kind: 'issue',
    title: 'smart cities',
    contentURL: 'smart-cities-issue',
    introHtml: [
      'Smart cities use technology to make urban life more sustainable, inclusive and efficient, with citizens at the centre.',
    ],
    relatedEventId: 'BGZQ47',
    contact: 'Smart cities team',
  },
  {
    path: DOCUMENTS,
    kind: 'documents',
    title: 'documents - social affairs',
    contentURL: 'documents',
    introHtml: [],
    relatedEventId: 'BGZM56',
    contact: 'Social affairs team',
  },
  {
    // A section the site never moved off its old CMS: its pages are ISO-8859-1, header and <meta> both say so.
    path: MIGRATION_INTEGRATION,
    kind: 'issue',
    title: 'migration & integration',
    contentURL: 'migration-integration-issue',
    introHtml: [
      'Cities are where newcomers arrive, find work and a home – and where integration succeeds or fails.',
      'Our working group on migration &amp; integration brings together cities from Málaga to Malmö to share what works.',
    ],
    relatedEventId: 'BGZM56',
    contact: 'Social affairs team',
    charset: 'iso-8859-1',
  },
  {
    path: ARCHIVE,
    kind: 'archive',
    title: 'all content - archive',
    contentURL: 'allcontent',
    introHtml: [],
    relatedEventId: 'BGZQ47',
    contact: 'Communications team',
  },
]

/** Path of page `page` (1-based) of a listing. */
export function listingPagePath(listing: LegacyListing, page: number): string {
  if (page === 1) return listing.path
  return `${listing.path}&newsstart=${1 + PAGE_SIZE * (page - 1)}&newscount=${PAGE_SIZE}&contentURL=${listing.contentURL}`
}

/**
 * The page a raw path asks for: a number, null when the path is not this listing,
 * 0 for parameters the site would not have produced (served as 404).
 */
export function matchListingPage(listing: LegacyListing, path: string): number | null {
  if (path === listing.path) return 1
  if (!path.startsWith(`${listing.path}&`)) return null
  const params = new Map<string, string>()
  for (const pair of path.slice(listing.path.length + 1).split('&')) {
    const eq = pair.indexOf('=')
    params.set(eq < 0 ? pair : pair.slice(0, eq), eq < 0 ? '' : pair.slice(eq + 1))
  }
  const start = Number(params.get('newsstart') ?? '1')
  if (!Number.isInteger(start) || start < 1 || (start - 1) % PAGE_SIZE !== 0) return 0
  if ((params.get('newscount') ?? String(PAGE_SIZE)) !== String(PAGE_SIZE)) return 0
  return (start - 1) / PAGE_SIZE + 1
}
