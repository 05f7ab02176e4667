import type { SiteProfile } from '../domain/entry.ts'
import { UserError } from '../domain/errors.ts'
import { eurocities } from './eurocities.ts'
import { eurocitiesLegacy } from './eurocities-legacy.ts'
import { PROFILE_IDS, SELECTORS_PROFILE_ID } from './profile-ids.ts'
import { createSelectorsProfile } from './selectors.ts'
import type { SelectorsConfig } from './selectors-config.ts'

/** Every profile that needs no configuration, listed by hand. */
export const profiles: readonly SiteProfile[] = [eurocitiesLegacy, eurocities]

/** Every profile id a source may name: those above and the selectors profile. */
export const profileIds = PROFILE_IDS
export { SELECTORS_PROFILE_ID }

export function findProfile(id: string): SiteProfile | undefined {
  return profiles.find((profile) => profile.id === id)
}

/** What builds a profile again in another thread (pages are parsed in worker threads): the id a source names, its selectors. */
export interface ProfileRecipe {
  profile: string
  selectors?: SelectorsConfig
}

const recipes = new WeakMap<SiteProfile, ProfileRecipe>()

/** The recipe of a profile resolved here; null for one made elsewhere (a test's variant), which only its own thread can run. */
export function recipeOf(profile: SiteProfile): ProfileRecipe | null {
  return recipes.get(profile) ?? (profiles.includes(profile) ? { profile: profile.id } : null)
}

/** The profile a source names; `selectors` is built from that source's validated selectors configuration. */
export function resolveProfile(id: string, selectors?: SelectorsConfig): SiteProfile {
  if (id === SELECTORS_PROFILE_ID) {
    if (selectors === undefined) throw new UserError('profile "selectors" needs a selectors configuration', 'add the entry, title, ... selectors to the source')
    const profile = createSelectorsProfile(selectors)
    recipes.set(profile, { profile: id, selectors })
    return profile
  }
  if (selectors !== undefined) throw new UserError(`profile "${id}" takes no selectors configuration`, 'use profile: selectors, or remove the selectors')
  const profile = findProfile(id)
  if (profile === undefined) throw new UserError(`unknown profile "${id}"`, `known profiles: ${profileIds.join(', ')}`)
  return profile
}
