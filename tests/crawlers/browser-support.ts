// Shared by the browser crawler's tests: the Chromium they need, settings, an oracle for the
// replica's topic pages, and a watch on the Chromium processes a crawl starts.
import { readFileSync } from 'node:fs'
import type { BrowserCrawlSettings } from '../../crawlers/browser-crawler.ts'
import { findChromium } from '../../crawlers/chromium.ts'
import { OriginMap } from '../../crawlers/origin-map.ts'
import { chromiumProcesses } from '../../crawlers/process-tree.ts'
import { listingOrder, topicListing } from '../../replica/current/listings.ts'
import { postUrl, todayAt } from '../../replica/current/model.ts'
import { postsAt } from '../../replica/current/timeline.ts'
import type { Replica } from '../../replica/index.ts'

export const CURRENT_HOSTS = ['eurocities.eu', 'www.eurocities.eu']

let chromium: string | undefined

/**
 * The Chromium a run would use (CHROMIUM_PATH, else one on PATH, else the npm package's), for
 * browserSettings. Browser tests fail, never skip, where there is none: CI must have one.
 */
export async function requireChromiumForTests(): Promise<void> {
  const found = await findChromium({ configured: process.env.CHROMIUM_PATH, searchPath: process.env.PATH })
  if ('unavailable' in found) throw new Error(`the browser crawler tests need Chromium: ${found.unavailable}`)
  chromium = found.path
}

export function browserSettings(replica: Replica, overrides: Partial<BrowserCrawlSettings> = {}): BrowserCrawlSettings {
  return {
    userAgent: 'eurowatch-test/1 (+https://example.org/eurowatch)',
    respectRobotsTxt: true,
    perHostDelaySeconds: 0,
    maxConcurrency: 4,
    maxRetries: 2,
    retryBaseDelaySeconds: 0.02,
    maxRetryAfterSeconds: 5,
    timeoutSeconds: 10,
    maxResponseBytes: 2_000_000,
    origins: new OriginMap(CURRENT_HOSTS, replica.origin),
    browser: { executablePath: testChromium(), navigationTimeoutSeconds: 15, listTimeoutSeconds: 5 },
    ...overrides,
  }
}

function testChromium(): string {
  if (chromium === undefined) throw new Error('call requireChromiumForTests() first (in beforeAll)')
  return chromium
}

/** The keys a topic lists at a step, in listing order: from the replica's dataset, not from a crawl. */
export function topicKeys(slug: string, step: number): string[] {
  const listing = topicListing(slug)
  if (!listing) throw new Error(`no topic ${slug} in the replica`)
  return listingOrder([...postsAt(step).values()].filter(listing.shows), todayAt(step)).map((post) => postUrl(post.slug))
}

/** Every post's topics at a step, by key. */
export function topicsByKey(step: number): Map<string, string[]> {
  return new Map([...postsAt(step).values()].map((post) => [postUrl(post.slug), [...post.topics].sort()]))
}

/** Runs `work` while sampling the Chromium processes below this one; returns the pids seen. */
export async function watchChromium<T>(work: () => Promise<T>): Promise<{ result: T; seen: number[] }> {
  const seen = new Set<number>()
  const sample = () => chromiumProcesses().forEach((info) => seen.add(info.pid))
  const timer = setInterval(sample, 20)
  try {
    const result = await work()
    return { result, seen: [...seen] }
  } finally {
    clearInterval(timer)
  }
}

/** A pid still running (a zombie waiting to be reaped counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}
