/**
 * Sends requests for a site's canonical hosts to another origin (the offline replica) while
 * everything stored keeps the canonical URL, so entries do not "move" when the replica's port does.
 */
export class OriginMap {
  private readonly targets: Map<string, string>

  constructor(hosts: Iterable<string> = [], target?: string) {
    this.targets = new Map(target ? [...hosts].map((host) => [host, new URL(target).origin]) : [])
  }

  isEmpty(): boolean {
    return this.targets.size === 0
  }

  /** The URL to request for a canonical URL. Only the origin changes: the path and its `&` parameters stay byte-for-byte. */
  toFetchUrl(canonicalUrl: string): string {
    const url = new URL(canonicalUrl)
    const target = this.targets.get(url.host)
    return target ? target + canonicalUrl.slice(url.origin.length) : canonicalUrl
  }
}
