import { createRequire } from 'node:module'
import { CronExpressionParser } from 'cron-parser'
import { RE2JSException } from 're2js'
import { z } from 'zod'
import { compilePattern } from '../../domain/subscription.ts'
import { SelectorsProfileSchema } from '../../parsers/selectors-config.ts'
import { isTimeZone } from '../../domain/site-zone.ts'

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

// A value Node's http refuses (CR, LF, NUL, other controls, characters past U+00FF) would fail every
// request of every run: it fails at load, judged by Node's own check.
const headerValue = (header: string) =>
  z.string().superRefine((value, ctx) => {
    try {
      lazily<typeof import('node:http')>('node:http').validateHeaderValue(header, value)
    } catch {
      ctx.addIssue({ code: 'custom', message: `cannot be sent as the HTTP ${header} header: no line breaks, NUL or other control characters, nothing past U+00FF` })
    }
  })

// Between full crawls a listing is crawled incrementally: pages asked conditionally, paging stopped
// on the first page that brings nothing new. Removals and changes deep in a listing wait for a full crawl.
export const FullCrawlSchema = z
  .object({
    // a full crawl every this many crawls of the listing; 1: every crawl is full (no incremental crawls)
    everyRuns: z.number().int().min(1).max(100_000).optional(),
    // and whenever its last complete full crawl finished longer ago than this
    olderThanHours: z.number().positive().max(100_000).optional(),
  })
  .strict()

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
    // this listing's own cadence of full crawls, over the configuration's `fullCrawl`
    fullCrawl: FullCrawlSchema.optional(),
    selectors: SelectorsProfileSchema.optional(),
  })
  .strict()

export const PolitenessSchema = z
  .object({
    userAgent: headerValue('User-Agent').min(1).default('eurowatch/0.1 (+https://github.com/eurowatch/eurowatch; change monitor)'),
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
    // entries' own pages fetched a run (new and changed versions; the rest wait for the next runs); 0: none
    detailPagesPerRun: z.number().int().min(0).max(10_000).default(50),
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

export const BackfillSchema = z
  .object({
    // the web archive `eurowatch backfill --from wayback` reads (its CDX index and id_ captures); --offline reads the replica's
    archiveUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default('https://web.archive.org'),
    // the captures of one moment of a listing lie within this many hours of its first; a page captured further away leaves it partial
    windowHours: z.number().positive().max(24 * 365).default(24),
    // the pause between two requests to the archive (it asks crawlers to go slowly)
    perRequestDelaySeconds: seconds(3600).default(2),
  })
  .strict()

export const DiffSchema = z
  .object({
    // an entry is reported removed after this many complete crawls of its listings without it
    removeAfter: z.number().int().positive().default(2),
  })
  .strict()

/** `eurowatch worker`: how long a listing's crawl job may take, how often it is tried, how a killed worker's work comes back. */
export const WorkersSchema = z
  .object({
    // a crawl job running longer is failed and tried again; a killed worker's listing comes back after it
    jobTimeoutSeconds: seconds(86_400).min(5, 'at least 5 seconds').default(1800),
    retries: z.number().int().min(0).max(20).default(2),
    retryDelaySeconds: z.number().int().min(0).max(3600).default(30),
    // a host stays with a worker that stopped renewing it (killed) this long
    hostLeaseSeconds: seconds(3600).min(3, 'at least 3 seconds').default(60),
    // SIGTERM: the jobs in hand get this long to finish
    shutdownSeconds: seconds(3600).default(60),
    // how often expired jobs are looked for and old ones archived
    maintenanceSeconds: z.number().int().min(1).max(600).default(30),
  })
  .strict()

export const DatabaseSchema = z
  .object({
    // PGlite data directory, relative to the configuration file; DATABASE_URL (environment) selects PostgreSQL instead
    dataDir: z.string().min(1).default('.eurowatch/pglite'),
  })
  .strict()

const CHANGE_KINDS = ['new', 'changed', 'moved', 'removed', 'reappeared'] as const

// Secrets come as ${ENV_NAME} references, resolved before validation (src/config/load.ts).
export const SmtpSchema = z
  .object({
    host: z.string().min(1),
    // 587 (submission, STARTTLS) unless told; 465 with secure: true
    port: z.number().int().min(1).max(65_535).default(587),
    // TLS from the first byte (port 465); otherwise STARTTLS as `starttls` says
    secure: z.boolean().default(false),
    // required: refuse a server that does not offer STARTTLS; never: plain text (a local relay)
    starttls: z.enum(['required', 'opportunistic', 'never']).default('required'),
    user: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    from: z.string().min(3),
    // a PEM file of the certificate authority to trust beside the system's (a private relay)
    caFile: z.string().min(1).optional(),
    timeoutSeconds: seconds(600).positive().default(30),
  })
  .strict()
  .refine((smtp) => (smtp.user === undefined) === (smtp.password === undefined), { message: 'user and password go together', path: ['password'] })

export const EmailChannelSchema = z
  .object({
    type: z.literal('email'),
    // the HTML form's rule: a local relay's addresses (analyst@localhost, desk@relay) are addresses too
    to: z.array(z.email({ pattern: z.regexes.html5Email, error: 'not an e-mail address' })).min(1, 'needs at least one address'),
    subjectPrefix: z.string().max(60).default('[eurowatch]'),
  })
  .strict()

export const WebhookChannelSchema = z
  .object({
    type: z.literal('webhook'),
    url: httpUrl,
    // signs each body: X-Eurowatch-Signature: sha256=<hex HMAC of the body>
    secret: z.string().min(16, 'at least 16 characters').optional(),
    timeoutSeconds: seconds(300).positive().default(10),
  })
  .strict()

export const SlackChannelSchema = z
  .object({
    type: z.literal('slack'),
    // an incoming webhook: https://hooks.slack.com/services/… (a secret: give it as ${SLACK_WEBHOOK_URL})
    url: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }),
    timeoutSeconds: seconds(300).positive().default(10),
  })
  .strict()

export const FeedChannelSchema = z
  .object({
    type: z.literal('feed'),
    // relative to the configuration file; rewritten whole (write, then rename) after each run
    path: z.string().min(1),
    format: z.enum(['atom', 'rss', 'jsonfeed']).default('atom'),
    // the newest changes the file keeps
    maxItems: z.number().int().positive().max(10_000).default(200),
  })
  .strict()

export const ChannelSchema = z.discriminatedUnion('type', [EmailChannelSchema, WebhookChannelSchema, SlackChannelSchema, FeedChannelSchema], {
  error: 'type must be one of email, webhook, slack, feed',
})

export const SubscriptionFilterSchema = z
  .object({
    listings: z.array(z.string().min(1)).min(1).optional(),
    kinds: z.array(z.enum(CHANGE_KINDS)).min(1).optional(),
    types: z.array(z.string().min(1)).min(1).optional(),
    themes: z.array(z.string().min(1)).min(1).optional(),
    // any of these words in the title or summary, case and accents aside
    words: z.array(z.string().min(1)).min(1).optional(),
    // regular expressions over title and summary (case and accents aside), RE2 syntax: matched in linear time
    patterns: z.array(z.string().min(1).superRefine(refuseSlowPattern)).min(1).optional(),
  })
  .strict()

export const SubscriptionSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    channel: ChannelSchema,
    // immediate: after every run; a cron expression (the site's time zone unless timeZone): a digest then
    digest: z.string().min(1).refine(isCronExpression, 'not a cron expression (e.g. "0 8 * * 1-5": weekdays at 08:00)').optional(),
    timeZone: z.string().refine(isTimeZone, 'not an IANA time zone (e.g. Europe/Brussels)').optional(),
    filter: SubscriptionFilterSchema.optional(),
    // a subscription added later starts with the next run; since: also the changes from this date on
    since: z.iso.date('a date as YYYY-MM-DD').optional(),
  })
  .strict()

export const DeliverySchema = z
  .object({
    // failed sends of one delivery before it is marked dead (shown by `status`, told to the operator)
    maxAttempts: z.number().int().min(1).max(100).default(8),
    // the pause before retry n is retryBaseSeconds * 2^(n-1), at most maxRetrySeconds
    retryBaseSeconds: seconds(86_400).default(60),
    maxRetrySeconds: seconds(7 * 86_400).default(6 * 3600),
    // quick retries within one send (a 500, a reset connection) before the delivery waits for the next run
    sendAttempts: z.number().int().min(1).max(10).default(3),
  })
  .strict()

export const OperatorSchema = z
  .object({
    channel: ChannelSchema,
  })
  .strict()

export const ConfigSchema = z
  .object({
    database: DatabaseSchema.default({ dataDir: '.eurowatch/pglite' }),
    politeness: PolitenessSchema.default(PolitenessSchema.parse({})),
    browser: BrowserSchema.default(BrowserSchema.parse({})),
    diff: DiffSchema.default(DiffSchema.parse({})),
    workers: WorkersSchema.default(WorkersSchema.parse({})),
    backfill: BackfillSchema.default(BackfillSchema.parse({})),
    fullCrawl: FullCrawlSchema.default({}),
    sources: z.array(SourceSchema).min(1, 'needs at least one listing'),
    smtp: SmtpSchema.optional(),
    delivery: DeliverySchema.default(DeliverySchema.parse({})),
    subscriptions: z.array(SubscriptionSchema).default([]),
    operator: OperatorSchema.optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    const names = new Set<string>()
    config.subscriptions.forEach((subscription, index) => {
      if (names.has(subscription.name)) ctx.addIssue({ code: 'custom', path: ['subscriptions', index, 'name'], message: `duplicate subscription name "${subscription.name}"` })
      names.add(subscription.name)
      for (const listing of subscription.filter?.listings ?? []) {
        if (!config.sources.some((source) => source.name === listing)) {
          ctx.addIssue({ code: 'custom', path: ['subscriptions', index, 'filter', 'listings'], message: `no listing named "${listing}" in sources` })
        }
      }
      if (subscription.channel.type === 'email' && config.smtp === undefined) {
        ctx.addIssue({ code: 'custom', path: ['subscriptions', index, 'channel'], message: 'an email channel needs the smtp block' })
      }
    })
    if (config.operator?.channel.type === 'email' && config.smtp === undefined) {
      ctx.addIssue({ code: 'custom', path: ['operator', 'channel'], message: 'an email channel needs the smtp block' })
    }
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

// node:http and node-cron load only for a configuration that has a header or a cron expression to
// check: most starts (`sources`, `report`) have neither (measured: `eurowatch sources` 0.48 -> 0.38 s of CPU, medians of 15 on a loaded machine)
const requireLazily = createRequire(import.meta.url)
function lazily<Module>(name: string): Module {
  return requireLazily(name) as Module
}

function isCronExpression(expression: string): boolean {
  try {
    CronExpressionParser.parse(expression)
    return lazily<typeof import('node-cron')>('node-cron').validate(expression)
  } catch {
    return false
  }
}

// A pattern RE2 cannot match in linear time (a backreference, a lookaround) is refused here: run on a
// hostile title, a backtracking engine would stall every run.
function refuseSlowPattern(pattern: string, ctx: z.RefinementCtx): void {
  try {
    compilePattern(pattern)
  } catch (error) {
    if (!(error instanceof RE2JSException)) throw error
    const reason = error.message.replace(/^error parsing regexp: /, '')
    ctx.addIssue({ code: 'custom', message: `not a regular expression RE2 can match in linear time: ${reason} (no backreferences or lookarounds; see the README)` })
  }
}

export type Config = z.infer<typeof ConfigSchema>
export type SmtpConfig = z.infer<typeof SmtpSchema>
export type ChannelConfig = z.infer<typeof ChannelSchema>
export type EmailChannelConfig = z.infer<typeof EmailChannelSchema>
export type WebhookChannelConfig = z.infer<typeof WebhookChannelSchema>
export type SlackChannelConfig = z.infer<typeof SlackChannelSchema>
export type FeedChannelConfig = z.infer<typeof FeedChannelSchema>
export type SubscriptionConfig = z.infer<typeof SubscriptionSchema>
export type SubscriptionFilter = z.infer<typeof SubscriptionFilterSchema>
export type DeliveryConfig = z.infer<typeof DeliverySchema>
export type SourceConfig = z.infer<typeof SourceSchema>
export type BrowserConfig = z.infer<typeof BrowserSchema>
export type PolitenessConfig = z.infer<typeof PolitenessSchema>
export type BackfillConfig = z.infer<typeof BackfillSchema>
