// The web UI in Chromium over the demo's runs of the replica's timeline: every page passes axe-core (no serious or critical
// violation) and breaks no Content-Security-Policy rule; then what a person does there.
import type { Kysely } from 'kysely'
import type { Browser, BrowserContext, Page } from 'playwright'
import { recordPageFetches, storePageBodies } from '../../db/pages.ts'
import { addWebUser } from '../../db/web-access.ts'
import { hashPassword } from '../../src/web/passwords.ts'
import type { Database } from '../../db/schema.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestDatabase, type TestDatabase } from '../support/databases.ts'
import { replicaCrawlSettings, useReplica } from '../support/replica.ts'
import { describeViolations, launchTestBrowser, recordTimeline, seriousAxeViolations, serveUi, watchProblems, type ServedUi } from '../support/web-browser.ts'

const replica = useReplica()
/** The Łódź case study the timeline's second step publishes: its title and summary have the accents search folds. */
const LODZ_KEY = 'WSPO-BH4N5T'
const LODZ_TITLE = 'Social services under one roof in Łódź'

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

/**
 * Opens `path` (or the first link that `follow` finds there), then checks axe and the CSP: the
 * page's problems as lines (none is a pass).
 */
async function auditPage(path: string, follow?: string): Promise<{ status: number | undefined; problems: string[] }> {
  return withPage(async (page) => {
    const problems = await watchProblems(page)
    let response = await page.goto(`${ui.origin}${path}`)
    if (follow !== undefined) response = await page.goto(new URL(String(await page.locator(follow).first().getAttribute('href')), ui.origin).href)
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
  it.each([
    ['the changes inbox', '/', undefined],
    ['the inbox, every change', '/?show=all', undefined],
    ["a change's own page", '/?show=all', 'a.permalink'],
    ['entries', '/entries', undefined],
    ['search results', '/entries?q=lodz', undefined],
    ['an entry', `/entries/${LODZ_KEY}`, undefined],
    ['the listings', '/listings', undefined],
    ['a listing now', '/listings/social-innovation', undefined],
    ['a listing as of a date', '/listings/social-innovation?as-of=2026-11-09', undefined],
    ['two dates of a listing compared', '/listings/social-innovation?compare=2026-11-09&with=2026-11-20', undefined],
    ['operations', '/operations', undefined],
  ])('%s (%s)', async (_name, path, follow) => {
    const { status, problems } = await auditPage(path, follow)
    expect(status).toBe(200)
    expect(problems).toEqual([])
  })

  it('the error page (404)', async () => {
    const { status, problems } = await auditPage('/no/such/page')
    expect(status).toBe(404)
    expect(problems).toEqual([])
  })
})

describe('the inbox with the keyboard', () => {
  it('j and k move between changes, m marks one read, ? shows the keys, / goes to the search field, o opens a change', async () => {
    await withPage(async (page) => {
      const problems = await watchProblems(page)
      await page.goto(`${ui.origin}/`)
      const focused = () => page.evaluate('document.activeElement?.closest("article.change")?.id ?? null')
      const ids = await page.locator('article.change').evaluateAll((articles) => articles.map((article) => String(article.id)))
      expect(ids.length).toBeGreaterThan(2)
      const [first, second, third] = ids
      await page.keyboard.press('j')
      expect(await focused()).toBe(first)
      await page.keyboard.press('j')
      await page.keyboard.press('j')
      expect(await focused()).toBe(third)
      await page.keyboard.press('k')
      expect(await focused()).toBe(second)

      expect(await page.locator(`#${second}`).getAttribute('class')).toMatch(/\bunread\b/)
      await page.keyboard.press('m')
      await expect.poll(() => page.locator(`#${second}`).getAttribute('class')).toMatch(/\bread\b/)
      expect(await focused()).toBe(second)
      // kept: the inbox of every change shows it read after a reload
      await page.goto(`${ui.origin}/?show=all`)
      expect(await page.locator(`#${second}`).getAttribute('class')).toMatch(/\bread\b/)
      expect(await page.locator(`#${first}`).getAttribute('class')).toMatch(/\bunread\b/)

      await page.keyboard.press('?')
      await expect.poll(() => page.locator('#keyboard-help').evaluate((dialog) => (dialog as unknown as { open: boolean }).open)).toBe(true)
      await page.keyboard.press('Escape')
      // the dialog closes on the browser's own time (a close watcher): keys go to the page once it has
      await expect.poll(() => page.locator('#keyboard-help').evaluate((dialog) => (dialog as unknown as { open: boolean }).open)).toBe(false)
      await page.keyboard.press('/')
      await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('q')
      // keys typed into a field are the field's
      await page.keyboard.type('jk')
      expect(await page.locator('#q').inputValue()).toBe('jk')

      await page.locator(`#${second}`).focus()
      await page.keyboard.press('o')
      await page.waitForURL(`${ui.origin}/changes/${second?.replace('change-', '')}`)
      expect(problems.errors).toEqual([])
      expect(await problems.cspViolations()).toEqual([])
    })
  })
})

describe('CSRF', () => {
  it('a form posted without its token is refused, and nothing is marked', async () => {
    await withPage(async (page) => {
      await page.goto(`${ui.origin}/?show=all`)
      const id = await page.locator('article.change.unread').first().getAttribute('data-change-id')
      // the page's own form, its token taken out (what a form on another site would send)
      await page.locator(`#change-${id} form.mark input[name="_csrf"]`).evaluate((input) => input.remove())
      const answer = page.waitForResponse(`${ui.origin}/changes/${id}/read`)
      await page.locator(`#change-${id} form.mark`).evaluate((form) => (form as unknown as { submit(): void }).submit())
      expect((await answer).status()).toBe(403)
      await page.waitForURL(`${ui.origin}/changes/${id}/read`)
      await page.goto(`${ui.origin}/?show=all`)
      expect(await page.locator(`#change-${id}`).getAttribute('class')).toMatch(/\bunread\b/)
    })
  })
})

describe('search', () => {
  it('"lodz" finds the entry titled Łódź, the word marked in its title and snippet', async () => {
    await withPage(async (page) => {
      await page.goto(`${ui.origin}/entries`)
      await page.getByRole('searchbox', { name: 'Words' }).fill('lodz')
      await page.keyboard.press('Enter')
      await page.waitForURL(/[?&]q=lodz(&|$)/)
      const hit = page.locator('main li, main article').filter({ hasText: LODZ_TITLE })
      await expect.poll(() => hit.count()).toBeGreaterThan(0)
      const marks = await hit.first().locator('mark').allInnerTexts()
      expect(marks.length).toBeGreaterThan(1)
      expect(new Set(marks)).toEqual(new Set(['Łódź']))
    })
  })
})

// A raw page as a hostile site would serve it: an inline script, a handler and a javascript: link, each of which would say so
const HOSTILE_PAGE = `<!doctype html><html><head><title>stored</title>
<script>document.title = 'script ran'; parent.postMessage('script ran', '*')</script></head>
<body><h1>Stored page</h1><img src="data:," onerror="document.title = 'handler ran'; parent.postMessage('handler ran', '*')">
<a id="bad" href="javascript:parent.postMessage('link ran', '*')">a link</a></body></html>`

/** HOSTILE_PAGE stored as a listing page of the first run, through the crawler's own db/ functions: its fetch id. */
async function storeHostilePage(db: Kysely<Database>): Promise<number> {
  const first = await db.selectFrom('page_fetch').select(['run_id', 'listing_id', 'url']).where('page_number', '=', 1).orderBy('id').executeTakeFirstOrThrow()
  const body = Buffer.from(HOSTILE_PAGE)
  const [sha256 = null] = await storePageBodies(db, [body])
  const url = `${first.url}&page=99`
  const [id] = await recordPageFetches(db, [
    { runId: first.run_id, listingId: first.listing_id, pageNumber: 99, url, fetchedUrl: url, status: 200, contentType: 'text/html; charset=utf-8', headers: null, charset: 'utf-8', outcome: 'fetched', bytes: body.length, durationMs: 1, attempts: 1, bodySha256: sha256, error: null, fetchedAt: new Date() },
  ])
  if (id === undefined) throw new Error('no page fetch stored')
  return id
}

describe('a stored page', () => {
  it('never runs its script, handler or javascript: link, alone or framed in the entry page', async () => {
    const id = await storeHostilePage(database.db)
    await withPage(async (page) => {
      const response = await page.goto(`${ui.origin}/pages/${id}`)
      expect(response?.status()).toBe(200)
      expect(response?.headers()['content-security-policy']).toMatch(/^sandbox\b/)
      expect(await page.locator('h1').innerText()).toBe('Stored page')
      await page.locator('#bad').click()
      expect(await page.title()).toBe('stored')

      // framed as the entry page frames it: a message to the app's page would be the script speaking
      await page.addInitScript(`window.addEventListener('message', (event) => document.body.dataset.heard = String(event.data))`)
      await page.goto(`${ui.origin}/entries/${LODZ_KEY}`)
      const frame = page.locator('iframe.stored-page')
      await frame.evaluate((element, src) => element.setAttribute('src', src), `/pages/${id}`)
      const framed = page.frameLocator('iframe.stored-page')
      await expect.poll(() => framed.locator('h1').innerText()).toBe('Stored page')
      await framed.locator('#bad').click()
      expect(await page.locator('body').getAttribute('data-heard')).toBeNull()
      expect(await framed.locator('title').textContent()).toBe('stored')
    })
  })
})

describe('a listing', () => {
  const afterSection = (page: Page, heading: string) => page.locator('h3', { hasText: heading }).locator('xpath=following-sibling::*[1]').innerText()

  it('as of a date picked: before the Łódź entry was published, then after', async () => {
    await withPage(async (page) => {
      await page.goto(`${ui.origin}/listings/social-innovation`)
      await page.getByLabel('As of').fill('2026-11-09')
      await page.getByRole('button', { name: 'Show' }).click()
      await page.waitForURL(/[?&]as-of=2026-11-09/)
      expect(await page.locator('main').innerText()).not.toContain(LODZ_TITLE)
      await page.getByLabel('As of').fill('2026-11-20')
      await page.getByRole('button', { name: 'Show' }).click()
      await page.waitForURL(/[?&]as-of=2026-11-20/)
      expect(await page.locator('main').innerText()).toContain(LODZ_TITLE)
    })
  })

  it('two dates compared: the Łódź entry added, the Thessaloniki one removed', async () => {
    await withPage(async (page) => {
      await page.goto(`${ui.origin}/listings/social-innovation`)
      await page.getByLabel('Compare').fill('2026-11-09')
      await page.getByLabel('with').fill('2026-11-20')
      await page.getByRole('button', { name: 'Compare' }).click()
      await page.waitForURL(/[?&]compare=2026-11-09&with=2026-11-20/)
      expect(await afterSection(page, 'Added')).toContain(LODZ_TITLE)
      expect(await afterSection(page, 'Removed')).toContain('Thessaloniki: social enterprises & citizen labs')
      expect(await afterSection(page, 'Removed')).not.toContain(LODZ_TITLE)
    })
  })
})

// Last: once a web user exists, every page needs a sign-in.
describe('signed in', () => {
  const PASSWORD = 'correct horse battery staple'

  beforeAll(async () => {
    for (const [name, role] of [['vera', 'viewer'], ['ada', 'admin']] as const) {
      await addWebUser(database.db, { name, role, passwordHash: await hashPassword(PASSWORD) })
    }
  })

  async function signIn(page: Page, name: string, password = PASSWORD): Promise<void> {
    await page.goto(`${ui.origin}/`)
    await page.waitForURL(/\/login\?next=/)
    await page.getByLabel('Name').fill(name)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Sign in' }).click()
  }

  it('the sign-in page is accessible and within its CSP', async () => {
    const { status, problems } = await auditPage('/login')
    expect(status).toBe(200)
    expect(problems).toEqual([])
  })

  it('a viewer signs in, sees who they are, and signs out', async () => {
    await withPage(async (page) => {
      await signIn(page, 'vera')
      await page.waitForURL(`${ui.origin}/`)
      expect(await page.locator('header').innerText()).toContain('vera (viewer)')
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.waitForURL(`${ui.origin}/login`)
      await page.goto(`${ui.origin}/`)
      await page.waitForURL(/\/login\?next=/)
    })
  })

  it('a wrong password is refused, said on the page', async () => {
    await withPage(async (page) => {
      await signIn(page, 'vera', 'not the password')
      await expect.poll(() => page.getByRole('alert').innerText()).toBe('Wrong name or password.')
      expect(page.url()).toBe(`${ui.origin}/login`)
    })
  })

  it('a viewer is refused "crawl now" (403, nothing started); an admin starts it from the page', async () => {
    await withPage(async (page) => {
      await signIn(page, 'vera')
      await page.waitForURL(`${ui.origin}/`)
      await page.goto(`${ui.origin}/operations`)
      expect(await page.getByRole('button', { name: 'Crawl now' }).count()).toBe(0)
      // the form an admin gets, sent with the viewer's own valid CSRF token
      const answer = page.waitForResponse((response) => response.url() === `${ui.origin}/crawl`)
      await page.evaluate(`{
        const form = document.createElement('form')
        form.method = 'post'
        form.action = '/crawl'
        form.innerHTML = '<input name="_csrf"><input name="source" value="all">'
        form.elements._csrf.value = document.querySelector('meta[name="csrf-token"]').content
        document.body.append(form)
        form.submit()
      }`)
      expect((await answer).status()).toBe(403)
      expect(ui.crawlRequests).toEqual([])
    })
    await withPage(async (page) => {
      await signIn(page, 'ada')
      await page.waitForURL(`${ui.origin}/`)
      await page.goto(`${ui.origin}/operations`)
      await page.getByRole('button', { name: 'Crawl now' }).click()
      await expect.poll(() => ui.crawlRequests).toEqual(['all'])
    })
  })

  it('the sign-in form posted without its CSRF token is refused, and no session is made', async () => {
    await withPage(async (page, context) => {
      await page.goto(`${ui.origin}/login`)
      await page.locator('form.login input[name="_csrf"]').evaluate((input) => input.remove())
      await page.getByLabel('Name').fill('ada')
      await page.getByLabel('Password').fill(PASSWORD)
      const answer = page.waitForResponse((response) => response.url() === `${ui.origin}/login` && response.request().method() === 'POST')
      await page.getByRole('button', { name: 'Sign in' }).click()
      expect((await answer).status()).toBe(403)
      await page.goto(`${ui.origin}/`)
      await page.waitForURL(/\/login\?next=/)
      expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain('eurowatch_session')
    })
  })
})
