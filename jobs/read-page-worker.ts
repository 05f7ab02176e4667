// A worker thread of the page reader (page-reader.ts): one raw page read as read-page.ts reads it,
// so a page that takes long to parse holds this thread, never the crawl's event loop.
import type { MessagePort } from 'node:worker_threads'
import type { SiteProfile } from '../domain/entry.ts'
import type { ListingBaseline } from '../domain/health.ts'
import { resolveProfile, type ProfileRecipe } from '../parsers/index.ts'
import { readListingPage, type RawPage, type ReadPage } from './read-page.ts'

export interface ReadTask {
  recipe: ProfileRecipe
  raw: RawPage
  baseline: ListingBaseline | null
  /** Told when the reading starts: the time budget counts from then, not from the queue or the thread's start. */
  started: MessagePort
}

const profiles = new Map<string, SiteProfile>()

export default function readPageTask({ recipe, raw, baseline, started }: ReadTask): ReadPage {
  started.postMessage(null)
  started.close()
  // a Buffer arrives as a plain Uint8Array
  const body = Buffer.from(raw.body.buffer, raw.body.byteOffset, raw.body.byteLength)
  return readListingPage(profileOf(recipe), { ...raw, body }, baseline)
}

function profileOf(recipe: ProfileRecipe): SiteProfile {
  const key = JSON.stringify(recipe)
  let profile = profiles.get(key)
  if (profile === undefined) {
    profile = resolveProfile(recipe.profile, recipe.selectors)
    profiles.set(key, profile)
  }
  return profile
}

/** Run when a crawl starts (PageReader.warmUp): loading this module and the parsers is the work. */
export function warmUp(): void {}
