// Which Chromium a run launches, so that a browser listing works on any machine: the one the user
// named, else a system Chromium on PATH, else the one shipped by the optional npm package
// @sparticuz/chromium. Also how it is launched, and a check that it does launch.
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, isAbsolute, join } from 'node:path'
import { UserError } from '../domain/errors.ts'

export type ChromiumOrigin = 'configured' | 'path' | 'npm'

export interface FoundChromium {
  path: string
  origin: ChromiumOrigin
}

export interface MissingChromium {
  /** One line naming every place looked in and how to get a Chromium. */
  unavailable: string
  /** The user named a path that is not there: their typo, not a missing install. */
  configured: boolean
}

export type ChromiumLookup = FoundChromium | MissingChromium

export interface ChromiumSearch {
  /** From browser.executablePath or CHROMIUM_PATH: when set, the only candidate. */
  configured?: string | undefined
  /** The PATH to search for a system Chromium. */
  searchPath?: string | undefined
  /** The package whose Chromium is the last resort. */
  npmPackage?: string
}

/** Names Debian, Ubuntu, Fedora and Google's packages install Chromium or Chrome under. */
const SYSTEM_CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']
export const NPM_CHROMIUM = '@sparticuz/chromium'

// Root in a container needs --no-sandbox; the rest keep Chromium from calling Google's hosts.
// Never the npm package's serverless flags: --single-process and its like make a crawl fragile.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
]

/** The first Chromium found, in the order above; a named path that is not there is not passed over. */
export async function findChromium(search: ChromiumSearch): Promise<ChromiumLookup> {
  const { configured } = search
  if (configured !== undefined) {
    if (isExecutable(configured)) return { path: configured, origin: 'configured' }
    return {
      unavailable: `Chromium not found at ${configured} (browser.executablePath / CHROMIUM_PATH): correct the path, or remove it to use a Chromium on PATH or the npm package ${NPM_CHROMIUM}`,
      configured: true,
    }
  }
  const directories = searchDirectories(search.searchPath)
  const onPath = findOnPath(directories)
  if (onPath !== null) return { path: onPath, origin: 'path' }
  const npmPackage = search.npmPackage ?? NPM_CHROMIUM
  const npm = await extractNpmChromium(npmPackage)
  if ('path' in npm) return { path: npm.path, origin: 'npm' }
  return {
    unavailable:
      `no Chromium: browser.executablePath and CHROMIUM_PATH not set; no ${SYSTEM_CHROMIUM_NAMES.join(', ')} on PATH (${directories.join(delimiter) || 'empty'}); ${npm.problem}` +
      ` - install one (apt-get install chromium, or npm install ${npmPackage}) or set CHROMIUM_PATH`,
    configured: false,
  }
}

/** For callers that cannot go on without a browser: the Chromium, or one line as a UserError. */
export async function requireChromium(search: ChromiumSearch): Promise<FoundChromium> {
  const chromium = await findChromium(search)
  if ('unavailable' in chromium) throw new UserError(chromium.unavailable)
  return chromium
}

/** Launches the Chromium as a crawl would and opens a blank page: its version, or why it would not start. */
export async function launchChromium(path: string): Promise<{ version: string } | { problem: string }> {
  // Playwright only when asked: tens of MB to load
  const { chromium } = await import('playwright')
  try {
    const browser = await chromium.launch({ executablePath: path, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 })
    try {
      const page = await browser.newPage()
      await page.goto('about:blank')
      return { version: browser.version() }
    } finally {
      await browser.close()
    }
  } catch (error) {
    return { problem: launchProblem(error instanceof Error ? error.message : String(error)) }
  }
}

/** The first executable of SYSTEM_CHROMIUM_NAMES in the directories, the way a shell would find it. */
function findOnPath(directories: string[]): string | null {
  for (const directory of directories) {
    for (const name of SYSTEM_CHROMIUM_NAMES) {
      const candidate = join(directory, name)
      if (isExecutable(candidate)) return candidate
    }
  }
  return null
}

/** PATH's directories once each; empty and relative entries (the working directory) are not searched for a browser to run. */
function searchDirectories(searchPath: string | undefined): string[] {
  return [...new Set((searchPath ?? '').split(delimiter).filter((directory) => isAbsolute(directory)))]
}

/** The package extracts its Chromium to the temporary directory on first use (seconds), then finds it there. */
async function extractNpmChromium(npmPackage: string): Promise<{ path: string } | { problem: string }> {
  let packaged: { default: { executablePath(): Promise<string> } }
  try {
    packaged = (await import(npmPackage)) as typeof packaged
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return { problem: `npm package ${npmPackage} not installed` }
    throw error
  }
  try {
    return { path: await packaged.default.executablePath() }
  } catch (error) {
    return { problem: `npm package ${npmPackage} could not extract its Chromium: ${firstLine(error instanceof Error ? error.message : String(error))}` }
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/**
 * Playwright's launch error in one line: its first line says only "browser has been closed"; the
 * why is the browser's first line on stderr and its exit code, further down its log.
 */
function launchProblem(message: string): string {
  const complaint = /^\[pid=\d+\]\[err\] (.+)$/m.exec(message)?.[1]
  const exit = /process did exit: (exitCode=\d+)/.exec(message)?.[1]
  return [firstLine(message), complaint && `the browser said: ${complaint}`, exit].filter(Boolean).join('; ')
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]?.trim() ?? ''
}
