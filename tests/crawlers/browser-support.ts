// Shared by the browser crawler's tests: the Chromium they need, settings, an oracle for the
// replica's topic pages, and a watch on the Chromium processes a crawl starts.
import { accessSync, constants, readFileSync } from 'node:fs'
import type { BrowserCrawlSettings } from '../../crawlers/browser-crawler.ts'
import { OriginMap } from '../../crawlers/origin-map.ts'
import { chromiumProcesses } from '../../crawlers/process-tree.ts'
import { listingOrder, topicListing } from '../../replica/current/listings.ts'
import { postUrl, todayAt } from '../../replica/current/model.ts'
import { postsAt } from '../../replica/current/timeline.ts'
import type { Replica } from '../../replica/index.ts'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const CURRENT_HOSTS = ['eurocities.eu', 'www.eurocities.eu']

/** Browser tests fail, never skip, where Chromium is missing: CI installs it. */
export function requireChromiumForTests(): void {
  try {
    accessSync(CHROMIUM, constants.X_OK)
  } catch {
    throw new Error(`Chromium not found at ${CHROMIUM}: the browser crawler tests need it; install it (apt-get install chromium) or set CHROMIUM_PATH`)
  }
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
    browser: { executablePath: CHROMIUM, navigationTimeoutSeconds: 15, listTimeoutSeconds: 5 },
    ...overrides,
  }
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
