// Where the pages live, for links between them. A key or a name is one path segment, encoded: an
// entry's key may be a URL with slashes, `?` and `&`.

export function entryPath(key: string): string {
  return `/entries/${encodeURIComponent(key)}`
}

export function listingPath(source: string): string {
  return `/listings/${encodeURIComponent(source)}`
}
