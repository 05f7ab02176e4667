import type { Command } from 'commander'
import { loadCliConfig } from '../config-file.ts'

export default async function listSources(raw: { json?: boolean }, command: Command): Promise<void> {
  const { config, file } = loadCliConfig(command)
  if (raw.json) {
    process.stdout.write(`${JSON.stringify(config.sources, null, 2)}\n`)
    return
  }
  const rows = config.sources.map((source) => [source.name, source.profile, source.url])
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)))
  process.stdout.write(`# ${config.sources.length} listings from ${file ?? 'the built-in defaults'}\n`)
  for (const [name = '', profile = '', url = ''] of rows) {
    process.stdout.write(`${name.padEnd(widths[0] ?? 0)}  ${profile.padEnd(widths[1] ?? 0)}  ${url}\n`)
  }
}
