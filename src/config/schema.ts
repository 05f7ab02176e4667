import { z } from 'zod'
import { SelectorsProfileSchema } from '../../parsers/selectors-config.ts'

// Every number has a range a run can live with: timers overflow past 2^31 ms, and a retry base
// of a billion seconds wraps to a millisecond.
const seconds = (max: number) => z.number().min(0).max(max, `at most ${max} seconds`)

// A password in a listing's URL would travel into every report, log and stored page: refused.
const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' })
  .refine(withoutCredentials, 'must not carry a user name or password (user:password@)')

// zod runs this also on a value that failed the URL check: that one has nothing to refuse here
function withoutCredentials(url: string): boolean {
  if (!URL.canParse(url)) return true
  const parsed = new URL(url)
  return parsed.username === '' && parsed.password === ''
}

// A host a listing's next links and redirects may also lead to: a name or an address, :port optional
const allowedHost = z
  .string()
  .trim()
  .refine((value) => !/[/@?#\s]/.test(value) && URL.canParse(`http://${value}`), 'a host name or address, optionally with :port (no scheme, path or user)')
  .transform((value) => new URL(`http://${value}`).host)

export const SourceSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    profile: z.string().min(1),
    url: httpUrl,
    maxPages: z.number().int().positive().max(100_000).optional(),
    // the profile's default otherwise: listings filled by JavaScript need 'browser'
    render: z.enum(['http', 'browser']).optional(),
    // a listing of one theme (a topic page): its entries get this theme, kept once seen
    theme: z.string().min(1).optional(),
    // other hosts its pages may be on; by default next links and redirects stay on the listing's own host
    allowedHosts: z.array(allowedHost).max(100).optional(),
    selectors: SelectorsProfileSchema.optional(),
  })
  .strict()

export const PolitenessSchema = z
  .object({
    userAgent: z.string().min(1).default('eurowatch/0.1 (+https://github.com/eurowatch/eurowatch; change monitor)'),
    respectRobotsTxt: z.boolean().default(true),
    // one request per host per this many seconds: politeness towards a small site's server
    perHostDelaySeconds: seconds(3600).default(1),
    maxConcurrency: z.number().int().min(1).max(32).default(4),
    maxRetries: z.number().int().min(0).max(10).default(3),
    retryBaseDelaySeconds: seconds(600).default(1),
    maxRetryAfterSeconds: seconds(3600).default(120),
    timeoutSeconds: seconds(600).positive().default(30),
    // how long one page may take to be read (decoded, parsed) in its worker thread before it is given up
    parseTimeoutSeconds: seconds(600).positive().default(10),
    maxResponseBytes: z.number().int().positive().max(1_000_000_000).default(5_000_000),
    maxPagesPerListing: z.number().int().positive().max(100_000).default(200),
  })
  .strict()

export const BrowserSchema = z
  .object({
    // unset: a chromium on PATH, else the npm package @sparticuz/chromium; CHROMIUM_PATH in the environment overrides it
    executablePath: z.string().min(1).optional(),
    navigationTimeoutSeconds: seconds(600).positive().default(30),
    // how long to wait for a script-filled list to appear before calling the page empty
    listTimeoutSeconds: seconds(600).positive().default(15),
  })
  .strict()

export const DiffSchema = z
  .object({
    // an entry is reported removed after this many complete crawls of its listings without it
    removeAfter: z.number().int().positive().default(2),
  })
  .strict()

export const DatabaseSchema = z
  .object({
    // PGlite data directory, relative to the configuration file; DATABASE_URL (environment) selects PostgreSQL instead
    dataDir: z.string().min(1).default('.eurowatch/pglite'),
  })
  .strict()

export const ConfigSchema = z
  .object({
    database: DatabaseSchema.default({ dataDir: '.eurowatch/pglite' }),
    politeness: PolitenessSchema.default(PolitenessSchema.parse({})),
    browser: BrowserSchema.default(BrowserSchema.parse({})),
    diff: DiffSchema.default(DiffSchema.parse({})),
    sources: z.array(SourceSchema).min(1, 'needs at least one listing'),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>()
    config.sources.forEach((source, index) => {
      if (seen.has(source.name)) {
        ctx.addIssue({ code: 'custom', path: ['sources', index, 'name'], message: `duplicate source name "${source.name}"` })
      }
      seen.add(source.name)
      if ((source.profile === 'selectors') !== (source.selectors !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sources', index, source.selectors ? 'selectors' : 'profile'],
          message: source.selectors ? 'selectors are only read with profile: selectors' : 'profile "selectors" needs a selectors block',
        })
      }
    })
  })

export type Config = z.infer<typeof ConfigSchema>
export type SourceConfig = z.infer<typeof SourceSchema>
export type BrowserConfig = z.infer<typeof BrowserSchema>
export type PolitenessConfig = z.infer<typeof PolitenessSchema>
