// The ten entries of the reference page (shared/fixtures/legacy), as data. Title and summary
// are the exact HTML of the reference, so the renderer reproduces that page byte for byte.
import type { LegacyEntry } from './model.ts'
import { DOCUMENTS, SMART_CITIES, SOCIAL_INNOVATION } from './listings.ts'

type Real = Omit<LegacyEntry, 'endDate' | 'posted' | 'docType' | 'absoluteHref' | 'listings'> &
  Partial<Pick<LegacyEntry, 'absoluteHref' | 'listings'>>

const REAL: Real[] = [
  {
    id: 'BH2KQ7', section: 'documents', type: 'publication', date: '2019-10-23', themes: [],
    titleHtml: 'Top city actions to fight poverty and social exclusion',
    summaryHtml: '11 more cities have made financial commitments to fight poverty and social exclusion, as part of EUROCITIES ongoing political initiative &lsquo;Inclusive cities for all: social rights in my city&rsquo;.',
    listings: [SOCIAL_INNOVATION, DOCUMENTS],
  },
  {
    id: 'BGYTC2', section: 'allcontent', type: 'case study', date: '2019-10-11', themes: ['knowledge society'],
    titleHtml: 'Bristol&rsquo;s Smart Homes',
    summaryHtml: 'Bristol has taken community engagement to the next level to encourage and enable citizens to test tomorrow&rsquo;s energy technology today. Its co-developed smart appliances project is helping households save money, communities build capacity and the city explore new energy systems and their impact on fuel poverty and carbon emissions.',
    listings: [SOCIAL_INNOVATION, SMART_CITIES],
  },
  {
    id: 'BGYTB9', section: 'documents', type: 'publication', date: '2019-10-11', themes: ['knowledge society'],
    titleHtml: 'Join, boost, sustain',
    summaryHtml: 'The final consolidated version of the political declaration on the ‘Join, Boost, Sustain – Joining forces to boost sustainable digital transformation in cities and communities in the EU’ initiative is now available!',
    absoluteHref: true,
    listings: [SOCIAL_INNOVATION, DOCUMENTS],
  },
  {
    id: 'BGYT8M', section: 'allcontent', type: 'case study', date: '2019-10-11', themes: [],
    titleHtml: 'Munich&rsquo;s conflict management office',
    summaryHtml: 'Munich has developed a method of mediation through dialogue to ensure citizens feel safe and comfortable in public spaces. By advocating all user groups&rsquo; interests and concerns, the all-party conflict management (AKIM) team is transforming how people feel about city living, increasing self-responsibility among citizens and giving decision-makers insights into issues affecting peaceful coexistence.',
  },
  {
    id: 'BGYT6F', section: 'allcontent', type: 'case study', date: '2019-10-11', themes: ['culture'],
    titleHtml: 'Rennes - hotel of projects',
    summaryHtml: 'Rennes has put citizen empowerment and experimentation at the heart of a project to find a new purpose for a former science faculty building. The resulting &lsquo;hotel of projects&rsquo; welcomes diverse temporary initiatives reflecting the immediate needs of a community in motion, establishing a new kind of inclusive creative and learning space.',
  },
  {
    id: 'BGYT4A', section: 'allcontent', type: 'case study', date: '2019-10-11', themes: ['culture'],
    titleHtml: 'Zaragoza - Harinera culture centre',
    summaryHtml: 'Zaragoza has established the first public cultural centre in Spain co-managed by the city and citizens. Started as an experimental project to provide equality of access to culture, Harinera ZGZ has become a successful, sustainable space dedicated to participation, empowerment and transformation of the neighbourhood through creativity.',
  },
  {
    id: 'BGXQ3D', section: 'documents', type: 'publication', date: '2019-10-10', themes: ['knowledge society'],
    titleHtml: 'Data people cities - EUROCITIES citizen data principles in action',
    summaryHtml: 'We have selected 10 projects from different cities that are good examples to illustrate each of our 10 principles on citizen data. We want to show how local governments are fully engaged in exploiting the opportunities of the digital transformation in many different policy areas to benefit citizens, and we hope these examples will inspire other cities to do the same. Enjoy the reading and be inspired!',
    listings: [SOCIAL_INNOVATION, SMART_CITIES, DOCUMENTS],
  },
  {
    id: 'BCKM2P', section: 'allcontent', type: 'case study', date: '2019-07-30', themes: ['culture'],
    titleHtml: 'Cities in action: Vilnius tech park',
    summaryHtml: 'Vilnius has repurposed a major historic site for the 21st century, transforming unused hospital buildings into a dynamic centre connecting technology, culture and creative industries. Vilnius Tech Park has not only put the city on the global start-up map, it has also become a community asset, enabling residents to connect with their heritage and new technology.',
  },
  {
    id: 'BBZL7H', section: 'allcontent', type: 'case study', date: '2019-07-15', themes: ['cooperation', 'culture'],
    titleHtml: 'Cluj-Napoca - Imagine the future of the city!',
    summaryHtml: 'Over the last 10 years, Cluj- Napoca has been the only growing city in Romania. As a natural consequence, the city&rsquo;s cultural life has been constantly evolving, a process also driven by the European Youth Capital title given in 2015 and the candidature to the European Capital of Culture for 2021.',
  },
  {
    id: 'BBZL5E', section: 'allcontent', type: 'case study', date: '2019-07-15', themes: ['cooperation', 'culture'],
    titleHtml: 'Eindhoven - Tailor-made district for cooperative development',
    summaryHtml: 'Wealthy in industrial heritage, Eindhoven, in cooperation with builders and private enterprise, has established a system of revitalisation of industrial heritage areas to increase city attractiveness. These resources have allowed the city to implement community building and identity building among citizens in the NRE-area, where the former gasworks of Eindhoven were located. The redevelopment of this area is now managed in an organic way, with as little legislation as possible, and in...',
  },
]

export const REAL_ENTRIES: LegacyEntry[] = REAL.map((r) => ({
  endDate: null,
  posted: r.date,
  docType: null,
  absoluteHref: false,
  listings: [SOCIAL_INNOVATION],
  ...r,
}))

function event(id: string, titleHtml: string, date: string, endDate: string, themes: string[]): LegacyEntry {
  return {
    id, section: 'calendar/events_list', titleHtml, summaryHtml: null, type: 'event', date, endDate,
    posted: date, themes, docType: null, absoluteHref: false, listings: [],
  }
}

/** Events of the "related events" boxes: detail pages exist, no listing shows them as entries. */
export const RELATED_EVENTS: LegacyEntry[] = [
  event('BGZM56', 'Replication and co-creation workshop in Lisbon', '2019-11-05', '2019-11-05', ['culture']),
  event('BGZQ21', 'Open innovation days in Gent', '2019-11-12', '2019-11-13', ['knowledge society']),
  event('BGZQ47', 'Smart mobility forum in Liège', '2019-11-20', '2019-11-22', ['mobility', 'environment']),
]
