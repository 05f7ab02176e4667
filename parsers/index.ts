import type { SiteProfile } from '../src/domain/entry'
import { eurocitiesLegacy } from './eurocities-legacy'

/** Every site profile, listed by hand. */
export const profiles: readonly SiteProfile[] = [eurocitiesLegacy]

export const profileIds: readonly string[] = profiles.map((profile) => profile.id)

export function findProfile(id: string): SiteProfile | undefined {
  return profiles.find((profile) => profile.id === id)
}
