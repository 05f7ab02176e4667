// Which Chromium a run gets: the named one, else one on PATH, else the npm package's; and one
// line naming every place looked in when there is none.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findChromium, launchChromium } from '../../crawlers/chromium.ts'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eurowatch-chromium-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** A file in a directory of its own under the test's directory; executable unless told. */
function file(folder: string, name: string, mode = 0o755): string {
  mkdirSync(join(dir, folder), { recursive: true })
  const path = join(dir, folder, name)
  writeFileSync(path, '#!/bin/sh\nexit 1\n')
  chmodSync(path, mode)
  return path
}

function folder(name: string): string {
  mkdirSync(join(dir, name), { recursive: true })
  return join(dir, name)
}

const NO_PACKAGE = '@eurowatch/no-such-chromium'

describe('findChromium', () => {
  it('takes the configured path over one on PATH', async () => {
    const named = file('named', 'my-chromium')
    file('bin', 'chromium')
    expect(await findChromium({ configured: named, searchPath: folder('bin') })).toEqual({ path: named, origin: 'configured' })
  })

  it('does not fall back when the configured path is not there: one line naming it', async () => {
    file('bin', 'chromium')
    const lookup = await findChromium({ configured: '/nonexistent/chromium', searchPath: folder('bin') })
    expect(lookup).toEqual({
      configured: true,
      unavailable:
        'Chromium not found at /nonexistent/chromium (browser.executablePath / CHROMIUM_PATH): correct the path, or remove it to use a Chromium on PATH or the npm package @sparticuz/chromium',
    })
    // a file without execute permission is not a browser either
    const plain = file('plain', 'chromium', 0o644)
    expect(await findChromium({ configured: plain })).toMatchObject({ configured: true, unavailable: expect.stringContaining(plain) })
  })

  it('finds a system Chromium by its names in the PATH given, in PATH order', async () => {
    const chrome = file('chrome-bin', 'google-chrome-stable')
    const later = file('later-bin', 'chromium')
    // not executable, a directory, a relative entry: all passed over
    file('plain-bin', 'chromium', 0o644)
    mkdirSync(join(dir, 'dir-bin', 'chromium-browser'), { recursive: true })
    const searchPath = ['bin-missing', join(dir, 'plain-bin'), join(dir, 'dir-bin'), '', join(dir, 'chrome-bin'), join(dir, 'later-bin')].join(':')
    expect(await findChromium({ searchPath })).toEqual({ path: chrome, origin: 'path' })
    expect(await findChromium({ searchPath: join(dir, 'later-bin') })).toEqual({ path: later, origin: 'path' })
  })

  it('says in one line where it looked when there is no Chromium at all', async () => {
    const empty = folder('empty')
    const lookup = await findChromium({ searchPath: `${empty}:${empty}`, npmPackage: NO_PACKAGE })
    expect(lookup).toMatchObject({ configured: false })
    const line = 'unavailable' in lookup ? lookup.unavailable : ''
    expect(line).not.toContain('\n')
    for (const place of ['browser.executablePath and CHROMIUM_PATH not set', `on PATH (${empty})`, 'chromium-browser', 'google-chrome-stable', `npm package ${NO_PACKAGE} not installed`]) {
      expect(line).toContain(place)
    }
  })

  // extracting the package's Chromium takes seconds the first time on a machine, launching it as long
  it('falls back to the npm package, whose Chromium launches with our flags', { timeout: 60_000 }, async () => {
    const lookup = await findChromium({ searchPath: folder('empty') })
    expect(lookup).toMatchObject({ origin: 'npm' })
    if (!('path' in lookup)) throw new Error(lookup.unavailable)
    expect(await launchChromium(lookup.path)).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/) })
  })

  it('reports a Chromium that does not launch in one line, with what it said', { timeout: 60_000 }, async () => {
    const broken = file('broken', 'chromium')
    writeFileSync(broken, '#!/bin/sh\necho "error while loading shared libraries: libnss3.so" >&2\nexit 1\n')
    const result = await launchChromium(broken)
    expect(result).toEqual({ problem: expect.stringContaining('the browser said: error while loading shared libraries: libnss3.so; exitCode=1') })
    expect('problem' in result && result.problem).not.toContain('\n')
  })
})
