// A fresh `npm install` must pick nothing that refuses Node 20: every locked package's engines admit
// it, and a dependency whose next patch release drops Node 20 is pinned exactly.
import { readFileSync } from 'node:fs'
import semver from 'semver'
import { describe, expect, it } from 'vitest'

interface LockedPackage {
  version?: string
  engines?: { node?: string } | string[]
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  engines: { node: string }
  dependencies: Record<string, string>
  optionalDependencies: Record<string, string>
}
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockedPackage> }
const oldestNode20 = semver.minVersion(manifest.engines.node)

describe('dependencies on Node 20', () => {
  it('declares Node 20 as the oldest it runs on', () => {
    expect(oldestNode20?.major).toBe(20)
  })

  it('locks no package whose engines refuse the Node 20 that runs the tests', () => {
    const node = process.versions.node
    const refusing = Object.entries(lock.packages)
      .filter(([path, locked]) => path !== '' && !Array.isArray(locked.engines) && locked.engines?.node !== undefined)
      .filter(([, locked]) => !semver.satisfies(node, (locked.engines as { node: string }).node))
      .map(([path, locked]) => `${path}@${locked.version} needs node ${(locked.engines as { node: string }).node}`)
    if (semver.major(node) === 20) expect(refusing).toEqual([])
  })

  it('pins @sparticuz/chromium to 147.0.0 exactly: 147.0.1 and later need Node 22.17', () => {
    const wanted = manifest.optionalDependencies['@sparticuz/chromium']
    expect(semver.valid(wanted)).toBe('147.0.0')
    expect(lock.packages['node_modules/@sparticuz/chromium']?.version).toBe('147.0.0')
  })

  it('keeps re2js on the 2.10 line, the last known to admit Node 20', () => {
    expect(manifest.dependencies.re2js).toBeDefined()
    expect(semver.satisfies('2.11.0', manifest.dependencies.re2js ?? '*')).toBe(false)
  })
})
