// The README's screenshots of the web UI: records the demo's runs (`npm run demo`), serves them on
// loopback and photographs the inbox, an entry page and search results into docs/screenshots/.
// Run with `npx tsx scripts/screenshots.ts`.
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { launchTestBrowser, recordDemoDatabase, serveUi } from '../tests/support/web-browser.ts'

const OUT = resolve('docs/screenshots')

// the entry the demo's second run finds new (its title has the accents search folds)
const ENTRY_KEY = 'WSPO-BH4N5T'

const SHOTS: readonly { file: string; path: string }[] = [
  { file: 'inbox.png', path: '/' },
  { file: 'entry.png', path: `/entries/${encodeURIComponent(ENTRY_KEY)}` },
  { file: 'search.png', path: '/entries?q=lodz%20or%20innovation' },
]

async function takeScreenshots(): Promise<void> {
  const demo = await recordDemoDatabase()
  try {
    const ui = await serveUi(demo.db)
    const browser = await launchTestBrowser()
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
      mkdirSync(OUT, { recursive: true })
      for (const shot of SHOTS) {
        const response = await page.goto(`${ui.origin}${shot.path}`)
        if (response?.status() !== 200) throw new Error(`${shot.path} answered ${response?.status() ?? 'nothing'}: no screenshot of it`)
        await page.screenshot({ path: join(OUT, shot.file) })
        process.stdout.write(`docs/screenshots/${shot.file}: ${shot.path}\n`)
      }
    } finally {
      await browser.close()
      await ui.close()
    }
  } finally {
    await demo.close()
  }
}

try {
  await takeScreenshots()
} catch (error) {
  process.stderr.write(`screenshots: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
}
