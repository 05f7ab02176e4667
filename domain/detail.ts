// What an entry's own page says beyond its listing card: read by a profile's detail parser,
// stored per entry version. Pure types and decisions, no I/O.

/** A file the page offers for download. */
export interface DetailFile {
  url: string
  label: string
}

/** The fields a detail page may give; null (or empty) where the site does not show them. */
export interface EntryDetail {
  /** WordPress post id (shortlink, wp-json link, body class or article id: parsers/wordpress-post-id.ts): survives a slug change. */
  postId: string | null
  /** ISO `YYYY-MM-DD`. */
  published: string | null
  documentType: string | null
  author: string | null
  /** The staff contact the page names (legacy site). */
  contact: string | null
  /** Sorted, de-duplicated. */
  tags: string[]
  files: DetailFile[]
  /** The full summary or article text, whitespace collapsed. */
  text: string | null
}

/** What a detail parser read from a page. */
export interface DetailReading {
  detail: EntryDetail
  /**
   * The block the profile reads, when the page lacks it but still said something (a WordPress post id):
   * a layout problem, reported as one, while what was read is kept.
   */
  missingBlock: string | null
}

/** What became of one detail-page fetch. */
export type DetailOutcome =
  /** Read: its fields are stored. */
  | 'read'
  /** Answered, but without the block the profile reads: a layout problem; only what the page still said (a post id) is stored. */
  | 'no-block'
  /** 404, 410, a redirect off the site or to another page: the entry's page is gone (the listing decides about the entry). */
  | 'gone'
  /** No answer worth trusting now (timeout, 5xx, 429): asked again next run. */
  | 'failed'
  /** Not ours to ask (robots.txt, another host): never asked again for this version. */
  | 'unasked'

/**
 * The listing's cut summary completed from the page's full text: the text when it starts with what
 * the listing showed (its "..." aside), null when it does not (then it is another text: not used).
 */
export function completedSummary(cut: string, text: string | null): string | null {
  if (text === null) return null
  const shown = cut.replace(/\s*(\.\.\.|…)\s*$/, '').trimEnd()
  return text.length > shown.length && text.startsWith(shown) ? text : null
}
