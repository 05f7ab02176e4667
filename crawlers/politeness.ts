// One politeness state per run: one pace per host and one reading of each site's robots.txt, shared
// by whatever the run asks of a site (its listings, the entries' own pages, the removal checks), so
// robots.txt is fetched once and no request of one step slips between another step's.
import { HostLimiter } from './host-limiter.ts'
import type { CrawlSettings } from './listing-crawl.ts'
import { RobotsRules } from './robots.ts'

/** The settings with the run's limiter and robots.txt rules made once, for every step of the run to share. */
export function withSharedPoliteness<S extends CrawlSettings>(settings: S): S {
  const limiter = settings.limiter ?? new HostLimiter(settings.perHostDelaySeconds)
  return { ...settings, limiter, robots: robotsRulesOf(settings, limiter) }
}

/** The run's robots.txt rules when it shares them, else rules of the caller's own; null when robots.txt is not consulted. */
export function robotsRulesOf(settings: CrawlSettings, limiter: CrawlSettings['limiter']): RobotsRules | null {
  if (settings.robots !== undefined) return settings.robots
  return settings.respectRobotsTxt ? new RobotsRules(settings, limiter) : null
}
