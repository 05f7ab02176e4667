import { readFile } from 'node:fs/promises'
import { text } from 'node:stream/consumers'
import { Command } from 'commander'
import { z } from 'zod'
import type { SiteProfile } from '../../../domain/entry.ts'
import { UserError } from '../../../domain/errors.ts'
import { profileIds, resolveProfile, SELECTORS_PROFILE_ID } from '../../../parsers/index.ts'
import { action } from '../action.ts'
import { loadCliConfig } from '../context.ts'
import { parseOptions } from '../options.ts'

const Options = z
  .object({
    profile: z.string().min(1).optional(),
    source: z.string().min(1).optional(),
    url: z.string().url('must be an absolute URL (the page the HTML came from)'),
  })
  .refine((options) => options.profile !== undefined || options.source !== undefined, { message: 'give --profile or --source', path: ['profile'] })

export const parseCommand = new Command('parse')
  .description('parse one saved listing page and print its entries and next page as JSON (no database, no network)')
  .argument('[file]', 'HTML file to parse (default: standard input)')
  .option('--profile <id>', `site profile (${profileIds.join(', ')}); "selectors" takes the selectors of the configuration's selectors source`)
  .option('--source <name>', 'parse with the profile (and selectors) of this configured listing')
  .requiredOption('--url <url>', 'the URL the page was fetched from: relative links resolve against it')
  .action(
    action(async (file: string | undefined, raw: unknown, command: Command) => {
      const options = parseOptions(Options, raw)
      const profile = chooseProfile(options.profile, options.source, command)
      const html = file ? await readHtml(file) : await text(process.stdin)
      const page = profile.parseListing(html, options.url)
      process.stdout.write(`${JSON.stringify({ entries: page.entries, nextPage: page.nextPage }, null, 2)}\n`)
    }),
  )

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

async function readHtml(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
}
