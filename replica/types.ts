// Public types of the offline replica. Shared by every site generation it serves.

/** Which requests a fault hits: a substring of the raw path; by default every listing page. */
interface FaultTarget {
  match?: string
  /** How many matching requests it affects; unlimited by default. */
  times?: number
}

export type Fault = FaultTarget &
  (
    | { kind: 'status'; status: number }
    | { kind: 'rate-limit'; retryAfterSeconds: number }
    | { kind: 'slow'; delayMs: number }
    | { kind: 'truncate' }
    | { kind: 'layout-drift' }
    | { kind: 'oversize'; bytes: number }
    /** A CDX answer that never ends: the page's rows with a resume key, a new one each time (or every `cycle` answers the same ones again). */
    | { kind: 'endless-index'; cycle?: number }
    /** A 200 whose body never ends: the page, then padding until the client hangs up. */
    | { kind: 'endless-body' }
    /** Answer this instead (an archive's error page, a redirect, a malformed CDX answer). */
    | { kind: 'replace'; status: number; body: string; contentType?: string; headers?: Record<string, string> }
  )

export type FaultKind = Fault['kind']

/** The faults a replica is started with (also replaceable with `setFaults`). */
export interface FaultPlan {
  faults: Fault[]
}

/**
 * The WordPress theme the current site's posts are shown in (replica/current/themes.ts): its own
 * ('eurocities', shortlink and body class), a block theme ('twenty-twenty-four', body class only),
 * a classic one ('astra', wp-json link and article id), or a static export with no post id at all.
 */
export type PostTheme = 'eurocities' | 'twenty-twenty-four' | 'astra' | 'static-export'

export interface ReplicaOptions {
  host?: string
  port?: number
  step?: number
  faults?: Fault[]
  /** Pages of the big `/eurocities/allcontent&sector=archive` listing (10 entries each). */
  archivePages?: number
  /** The current site's post pages (default 'eurocities'). */
  theme?: PostTheme
}

/** One request as the replica served it. */
export interface ReplicaRequest {
  method: string
  /** The raw request path, parameters and all, exactly as received. */
  path: string
  status: number
  /** Body bytes actually sent (a truncated body counts what went out). */
  bytes: number
  /** Epoch milliseconds when the request arrived. */
  at: number
  /** The User-Agent header the client sent, or null. */
  userAgent: string | null
}

export interface Replica {
  origin: string
  readonly step: number
  setStep(step: number): void
  setFaults(faults: Fault[]): void
  setTheme(theme: PostTheme): void
  requests(): ReplicaRequest[]
  resetRequests(): void
  close(): Promise<void>
}

export type ChangeKind = 'publish' | 'edit-summary' | 'retag' | 'retitle' | 'remove' | 'cosmetic'

export interface TimelineChange {
  kind: ChangeKind
  /** The entry's key as the parser reports it: `WSPO-XXXXXX` (legacy), the canonical detail URL (current site, network). */
  key: string
  /** Page-1 paths of the listings where the change shows. */
  listings: string[]
}

/** An entry that left page 1 of a listing while staying in it (pushed down by newer entries). */
export interface PageDropOff {
  /** The entry's key (canonical URL). */
  key: string
  /** Page-1 path of the listing (a topic page). */
  listing: string
}

export interface TimelineStep {
  step: number
  description: string
  changes: TimelineChange[]
  /** Current site only: entries that dropped off page 1 of a topic at this step (not a change: they keep the theme). */
  droppedOffPage1?: PageDropOff[]
}

/** What a site generation answers for one path at one step; the server adds faults and HTTP caching. */
export interface SiteResponse {
  status: number
  contentType: string
  body: Buffer
  headers?: Record<string, string>
  lastModified?: Date
  /** Set on entries' own pages: the page without the block a profile reads (a layout-drift fault that matches it). */
  drift?: () => string
  /** Set on listing pages: the default target of faults. */
  listing?: {
    /** The same entries in a redesigned markup (layout-drift fault). */
    drift(): string
    /** Where a truncated body is cut: after the first few entries. */
    truncateAt: number
  }
}

/** One site generation served by the replica (legacy, the WordPress site, the third network). */
export interface ReplicaSite {
  /** Steps are 0..lastStep. */
  lastStep: number
  /** `path` without the query string; `query` parsed from it (the current site reads `_focus_area` and `page`, and `theme`). */
  resolve(path: string, step: number, query: URLSearchParams, theme: PostTheme): SiteResponse
}
