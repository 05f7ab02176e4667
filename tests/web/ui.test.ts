// The web UI in Chromium over the demo's runs of the replica's timeline: every page passes axe-core (no serious or critical
// violation) and breaks no Content-Security-Policy rule; then what a person does there.
import type { Browser, BrowserContext, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestDatabase, type TestDatabase } from '../support/databases.ts'
import { replicaCrawlSettings, useReplica } from '../support/replica.ts'
import { describeViolations, launchTestBrowser, recordTimeline, seriousAxeViolations, serveUi, watchProblems, type ServedUi } from '../support/web-browser.ts'

const replica = useReplica()
let database: TestDatabase
let ui: ServedUi
let browser: Browser

beforeAll(async () => {
  // one recorded database, one server and one browser for the whole file
  const recorded = openTestDatabase('pglite').then(async (opened) => {
    database = opened
    await recordTimeline(opened.db, replica(), replicaCrawlSettings(replica()))
  })
  ;[browser] = await Promise.all([launchTestBrowser(), recorded])
  ui = await serveUi(database.db)
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await ui?.close()
  await database?.close()
})

/** A fresh browser context (own cookies) and page, watched for errors; closed after `use`. */
async function withPage<T>(use: (page: Page, context: BrowserContext) => Promise<T>): Promise<T> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  try {
    const page = await context.newPage()
    return await use(page, context)
  } finally {
    await context.close()
  }
}

/** Opens `path`, then checks axe and the CSP: the page's problems as lines (none is a pass). */
async function auditPage(path: string): Promise<{ status: number | undefined; problems: string[] }> {
  return withPage(async (page) => {
    const problems = await watchProblems(page)
    const response = await page.goto(`${ui.origin}${path}`)
    await page.waitForLoadState('load')
    const axe = describeViolations(await seriousAxeViolations(page))
    const csp = (await problems.cspViolations()).map((line) => `CSP violation: ${line}`)
    // an error page answers 4xx on purpose: the console's "failed to load resource" for it is expected
    const errors = problems.errors.filter((line) => !/Failed to load resource: the server responded with a status of 404/.test(line))
    return { status: response?.status(), problems: [...axe, ...csp, ...errors] }
  })
}

describe('the audit itself', () => {
  it('sees an unlabelled field and an inline script the CSP refused', async () => {
    await withPage(async (page) => {
      const problems = await watchProblems(page)
      await page.goto(`${ui.origin}/no/such/page`)
      await page.evaluate(`{
        document.querySelector('main').insertAdjacentHTML('beforeend', '<input type="text">')
        const script = document.createElement('script')
        script.textContent = 'document.title = "inline ran"'
        document.body.append(script)
      }`)
      expect((await seriousAxeViolations(page)).map((violation) => violation.id)).toContain('label')
      await expect.poll(() => problems.cspViolations()).toEqual([expect.stringMatching(/^script-src-elem inline/)])
      expect(await page.title()).not.toBe('inline ran')
    })
  })
})

describe('every page: accessible, within its Content-Security-Policy', () => {
  it('the error page (404)', async () => {
    const { status, problems } = await auditPage('/no/such/page')
    expect(status).toBe(404)
    expect(problems).toEqual([])
  })
})
