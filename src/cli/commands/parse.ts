import { readFile } from 'node:fs/promises'
import { text } from 'node:stream/consumers'
import { Command } from 'commander'
import { z } from 'zod'
import { UserError } from '../../domain/errors'
import { findProfile, profileIds } from '../../../parsers/index'
import { action } from '../action'
import { parseOptions } from '../options'

const Options = z.object({
  profile: z.string().min(1),
  url: z.string().url('must be an absolute URL (the page the HTML came from)'),
})

export const parseCommand = new Command('parse')
  .description('parse one saved listing page and print its entries and next page as JSON (no database, no network)')
  .argument('[file]', 'HTML file to parse (default: standard input)')
  .requiredOption('--profile <id>', `site profile (${profileIds.join(', ')})`)
  .requiredOption('--url <url>', 'the URL the page was fetched from: relative links resolve against it')
  .action(
    action(async (file: string | undefined, raw: unknown) => {
      const options = parseOptions(Options, raw)
      const profile = findProfile(options.profile)
      if (!profile) throw new UserError(`--profile: unknown profile "${options.profile}"`, `known profiles: ${profileIds.join(', ')}`)
      const html = file ? await readHtml(file) : await text(process.stdin)
      const page = profile.parseListing(html, options.url)
      process.stdout.write(`${JSON.stringify({ entries: page.entries, nextPage: page.nextPage }, null, 2)}\n`)
    }),
  )

async function readHtml(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
}
