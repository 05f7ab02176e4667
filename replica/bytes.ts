/** Where the nth occurrence (1-based) of `needle` starts in a page body, or -1. */
export function nthIndexOf(body: Buffer, needle: string, n: number): number {
  let at = -1
  for (let k = 0; k < n; k++) {
    at = body.indexOf(needle, at + 1)
    if (at < 0) return -1
  }
  return at
}
