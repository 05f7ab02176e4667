import type { SourceConfig } from './schema.ts'

/** The EUROCITIES legacy listings, as the site stood in 2019 (served today by the bundled replica). */
export const legacySources: SourceConfig[] = [
  {
    name: 'social-innovation',
    profile: 'eurocities-legacy',
    url: 'http://www.eurocities.eu/eurocities/issues/social-innovation-issue',
  },
  { name: 'innovation', profile: 'eurocities-legacy', url: 'http://www.eurocities.eu/eurocities/issues/innovation-issue' },
  {
    name: 'smart-cities',
    profile: 'eurocities-legacy',
    url: 'http://www.eurocities.eu/eurocities/issues/smart-cities-issue',
  },
  {
    name: 'documents-social-affairs',
    profile: 'eurocities-legacy',
    url: 'http://www.eurocities.eu/eurocities/documents&sector=social-affairs',
  },
]

const CURRENT = 'https://eurocities.eu'
const CATEGORIES = ['news', 'opinion', 'publications', 'policy-papers', 'events']
const TOPICS = ['mobility', 'climate', 'culture', 'social-affairs', 'digital']

/**
 * Today's EUROCITIES site: the latest list, its category listings and its topic pages. Topic
 * pages fill their list with JavaScript (render: browser) and give their entries the topic as
 * a theme. Page limits keep a run polite: new entries come first, and removals are only
 * reported for listings crawled to their end.
 */
export const currentSources: SourceConfig[] = [
  { name: 'latest', profile: 'eurocities', url: `${CURRENT}/latest/`, maxPages: 30 },
  ...CATEGORIES.map((category) => ({ name: category, profile: 'eurocities', url: `${CURRENT}/latest_categories/${category}/`, maxPages: 30 })),
  ...TOPICS.map((topic) => ({ name: `topic-${topic}`, profile: 'eurocities', url: `${CURRENT}/topics/${topic}/`, render: 'browser' as const, theme: topic, maxPages: 10 })),
]

/** The built-in configuration's listings (the legacy ones: examples/eurocities-legacy.yaml). */
export const defaultSources: SourceConfig[] = currentSources

/** Hosts of the legacy site. */
export const legacyHosts = ['www.eurocities.eu', 'eurocities.eu', 'wsdomino.eurocities.eu']

/** Every host the bundled replica stands in for: `--offline` sends their requests to it. */
export const replicaHosts = [...legacyHosts, 'www.urban-net.example']
