// Where a listing's crawl may go: its own host, and the hosts its source allows (allowedHosts).
// A next link or a redirect elsewhere would store another site's entries under this listing, or
// reach into internal addresses; so would an allowed host that resolves to one.
import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'

export interface SiteScope {
  /** Page 1 of the listing, as configured. */
  listingUrl: string
  /** Other hosts its pages may be on (host names, or host:port). */
  allowedHosts?: readonly string[] | undefined
}

/** A host's addresses; a name that does not resolve has none (its fetch fails by itself). */
export type ResolveHost = (hostname: string) => Promise<string[]>

// Loopback, private, link-local (cloud metadata services), carrier-grade NAT and unspecified addresses.
const INTERNAL = new BlockList()
for (const [network, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16]] as const) {
  INTERNAL.addSubnet(network, prefix, 'ipv4')
}
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10]] as const) INTERNAL.addSubnet(network, prefix, 'ipv6')

/** Null when this listing's crawl may request `url`, else why not. */
export async function offSiteRefusal(scope: SiteScope, url: string, resolve: ResolveHost = addressesOf): Promise<string | null> {
  const target = new URL(url)
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return 'not an http(s) URL'
  const listing = new URL(scope.listingUrl)
  if (target.hostname === listing.hostname && target.port === listing.port) return null
  const allowed = scope.allowedHosts ?? []
  if (!allowed.includes(target.hostname) && !allowed.includes(target.host)) return `${target.host} is not this listing's host (allowedHosts)`
  if ((await isInternal(target.hostname, resolve)) && !(await isInternal(listing.hostname, resolve))) return `${target.hostname} is a private or loopback address`
  return null
}

async function isInternal(hostname: string, resolve: ResolveHost): Promise<boolean> {
  const bare = hostname.replace(/^\[|\]$/g, '')
  // RFC 6761: localhost names are loopback, whatever a resolver says
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true
  const addresses = isIP(bare) ? [bare] : await resolve(bare)
  return addresses.some((address) => INTERNAL.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4'))
}

async function addressesOf(hostname: string): Promise<string[]> {
  try {
    return (await lookup(hostname, { all: true })).map((entry) => entry.address)
  } catch {
    return []
  }
}
