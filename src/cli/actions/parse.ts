import { readFile } from 'node:fs/promises'
import { buffer } from 'node:stream/consumers'
import type { Command } from 'commander'
import { z } from 'zod'
import type { SiteProfile } from '../../../domain/entry.ts'
import { UserError } from '../../../domain/errors.ts'
import { resolveProfile, SELECTORS_PROFILE_ID } from '../../../parsers/index.ts'
import { decodePage } from '../../../parsers/decode-page.ts'
import { loadCliConfig } from '../config-file.ts'
import { parseOptions } from '../options.ts'

const Options = z
  .object({
    profile: z.string().min(1).optional(),
    source: z.string().min(1).optional(),
    url: z.string().url('must be an absolute URL (the page the HTML came from)'),
  })
  .refine((options) => options.profile !== undefined || options.source !== undefined, { message: 'give --profile or --source', path: ['profile'] })

export default async function parsePage(file: string | undefined, raw: unknown, command: Command): Promise<void> {
  const options = parseOptions(Options, raw)
  const profile = chooseProfile(options.profile, options.source, command)
  // A saved page has no Content-Type: its BOM or <meta> decides, else UTF-8 (see decodePage).
  const { html } = decodePage(file ? await readPage(file) : await buffer(process.stdin), null)
  const page = profile.parseListing(html, options.url)
  process.stdout.write(`${JSON.stringify({ entries: page.entries, nextPage: page.nextPage }, null, 2)}\n`)
}

function chooseProfile(profileId: string | undefined, sourceName: string | undefined, command: Command): SiteProfile {
  if (sourceName === undefined && profileId !== SELECTORS_PROFILE_ID) return resolveProfile(profileId ?? '')
  const { config, file } = loadCliConfig(command)
  const origin = file ?? 'the built-in configuration'
  const candidates = config.sources.filter((source) => (sourceName ? source.name === sourceName : source.profile === SELECTORS_PROFILE_ID))
  const source = candidates[0]
  if (source === undefined) {
    throw new UserError(sourceName ? `--source: no listing named "${sourceName}" in ${origin}` : `--profile selectors: ${origin} has no source with profile: selectors`)
  }
  if (candidates.length > 1) {
    throw new UserError(`--profile selectors: ${origin} has several selectors sources`, `pick one with --source (${candidates.map((c) => c.name).join(', ')})`)
  }
  return resolveProfile(source.profile, source.selectors)
}

async function readPage(file: string): Promise<Buffer> {
  try {
    return await readFile(file)
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
}
