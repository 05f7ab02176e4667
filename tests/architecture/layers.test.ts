// The house shows the flow: each folder imports only the folders below it, and nothing imports
// in a circle. Read from the import statements of every product file.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const FOLDERS = ['bin', 'src', 'jobs', 'crawlers', 'channels', 'parsers', 'db', 'domain', 'replica'] as const
type Folder = (typeof FOLDERS)[number]

/** What each folder may import of the project (besides itself). */
const MAY_IMPORT: Record<Folder, readonly Folder[]> = {
  bin: ['src'],
  src: ['jobs', 'crawlers', 'channels', 'parsers', 'db', 'domain', 'replica'],
  jobs: ['crawlers', 'parsers', 'db', 'domain'],
  crawlers: ['parsers', 'domain'],
  // sending: SMTP, HTTP POSTs, files; what to send is rendered in src/
  channels: ['domain'],
  parsers: ['domain'],
  db: ['domain'],
  domain: [],
  replica: ['domain'],
}

const IMPORT = /(?:^|\s)(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|js)$/.test(file) && !file.endsWith('.d.ts'))
    .map((file) => join(folder, file))
}

const files = FOLDERS.flatMap((folder) => sourceFiles(folder))
const importsOf = new Map(
  files.map((file) => {
    const text = readFileSync(join(ROOT, file), 'utf8')
    const targets = [...text.matchAll(IMPORT)].map((match) => relative(ROOT, resolve(ROOT, dirname(file), match[1] ?? match[2] ?? '')))
    return [file, targets.filter((target) => !target.startsWith('dist/'))]
  }),
)
const folderOf = (file: string) => file.split('/')[0] as Folder

describe('the layers', () => {
  it('reads the imports of every product file', () => {
    expect(files.length).toBeGreaterThan(100)
    expect(importsOf.get('jobs/crawl.ts')).toContain('domain/listing-status.ts')
  })

  it.each(FOLDERS)('%s imports only the folders below it', (folder) => {
    const wrong = files
      .filter((file) => folderOf(file) === folder)
      .flatMap((file) => (importsOf.get(file) ?? []).filter((target) => folderOf(target) !== folder && !MAY_IMPORT[folder].includes(folderOf(target))).map((target) => `${file} -> ${target}`))
    expect(wrong).toEqual([])
  })

  it('has no import cycles', () => {
    const cycles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '))
        return
      }
      state.set(file, 'open')
      for (const target of importsOf.get(file) ?? []) visit(target, [...path, file])
      state.set(file, 'done')
    }
    for (const file of files) visit(file, [])
    expect(cycles).toEqual([])
  })
})
