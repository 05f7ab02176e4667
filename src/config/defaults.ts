import type { SourceConfig } from './schema'

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

/** The built-in configuration's listings. */
export const defaultSources: SourceConfig[] = legacySources

/** Hosts of the legacy site. */
export const legacyHosts = ['www.eurocities.eu', 'eurocities.eu', 'wsdomino.eurocities.eu']

/** Every host the bundled replica stands in for: `--offline` sends their requests to it. */
export const replicaHosts = [...legacyHosts, 'www.urban-net.example']
