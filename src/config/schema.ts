import { z } from 'zod'

const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:$/.test(new URL(value).protocol), 'must be an http(s) URL')

export const SourceSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
    profile: z.string().min(1),
    url: httpUrl,
    maxPages: z.number().int().positive().optional(),
  })
  .strict()

export const PolitenessSchema = z
  .object({
    userAgent: z.string().min(1).default('eurowatch/0.1 (+https://github.com/eurowatch/eurowatch; change monitor)'),
    respectRobotsTxt: z.boolean().default(true),
    // one request per host per this many seconds: politeness towards a small site's server
    perHostDelaySeconds: z.number().min(0).default(1),
    maxConcurrency: z.number().int().min(1).max(32).default(4),
    maxRetries: z.number().int().min(0).max(10).default(3),
    retryBaseDelaySeconds: z.number().min(0).default(1),
    maxRetryAfterSeconds: z.number().min(0).default(120),
    timeoutSeconds: z.number().positive().default(30),
    maxResponseBytes: z.number().int().positive().default(5_000_000),
    maxPagesPerListing: z.number().int().positive().default(200),
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
    sources: z.array(SourceSchema).min(1),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>()
    config.sources.forEach((source, index) => {
      if (seen.has(source.name)) {
        ctx.addIssue({ code: 'custom', path: ['sources', index, 'name'], message: `duplicate source name "${source.name}"` })
      }
      seen.add(source.name)
    })
  })

export type Config = z.infer<typeof ConfigSchema>
export type SourceConfig = z.infer<typeof SourceSchema>
export type PolitenessConfig = z.infer<typeof PolitenessSchema>
