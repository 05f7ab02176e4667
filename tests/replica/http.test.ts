import { describe, expect, it } from 'vitest'
import { getText, replica } from './support.ts'

const SOCIAL = '/eurocities/issues/social-innovation-issue'
const PAGE_2 = `${SOCIAL}&newsstart=11&newscount=10&contentURL=social-innovation-issue`

describe('replica HTTP', () => {
  it('answers a conditional GET with 304', async () => {
    const r = await replica()
    const first = await getText(r, PAGE_2)
    const etag = first.headers.get('etag')
    expect(etag).toMatch(/^"[\w-]+"$/)
    expect(first.headers.get('last-modified')).toBe('Wed, 23 Oct 2019 14:00:00 GMT')
    const again = await fetch(r.origin + PAGE_2, { headers: { 'If-None-Match': etag ?? '' } })
    expect(again.status).toBe(304)
    expect(again.headers.get('etag')).toBe(etag)
    r.setStep(1)
    const changed = await fetch(r.origin + PAGE_2, { headers: { 'If-None-Match': etag ?? '' } })
    expect(changed.status).toBe(200)
    expect(changed.headers.get('etag')).not.toBe(etag)
  })

  it('serves detail pages by WSPO id', async () => {
    const r = await replica()
    const page = await getText(r, '/eurocities/allcontent/Munich-s-conflict-management-office-WSPO-BGYT8M')
    expect(page.status).toBe(200)
    expect(page.text).toContain('<h1 class="detailtitle">Munich&rsquo;s conflict management office</h1>')
    expect(page.text).toContain('publication date: 11-10-2019')
    const stale = await getText(r, '/eurocities/news/Munich-old-title-WSPO-BGYT8M')
    expect(stale.status).toBe(301)
    expect(stale.headers.get('location')).toBe('/eurocities/allcontent/Munich-s-conflict-management-office-WSPO-BGYT8M')
    const archived = await getText(r, '/eurocities/allcontent&sector=archive')
    const href = /<h2 class="newstitle"><a href="([^"]+)"/.exec(archived.text)?.[1] ?? ''
    expect((await getText(r, href)).status).toBe(200)
    expect((await getText(r, '/eurocities/documents/Nothing-WSPO-QQQQQQ')).status).toBe(404)
  })

  it('answers 404 for unknown paths', async () => {
    const r = await replica()
    for (const p of ['/', '/eurocities/issues/housing-issue', '/eurocities/issues/social-innovation-issue?newsstart=11']) {
      // A "?" query is ignored, so that one is page 1, not a 404.
      const expected = p.includes('?') ? 200 : 404
      expect((await getText(r, p)).status, p).toBe(expected)
    }
  })

  it('serves robots.txt and non-HTML resources', async () => {
    const r = await replica()
    const robots = await getText(r, '/robots.txt')
    expect(robots.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(robots.text).toContain('Disallow: /eurocities/search')
    expect(robots.text).not.toMatch(/crawl-delay/i)
    expect((await fetch(r.origin + '/eurocities/img/logo.gif')).headers.get('content-type')).toBe('image/gif')
    expect((await fetch(r.origin + '/eurocities/documents/report.pdf')).headers.get('content-type')).toBe('application/pdf')
  })

  it('logs raw paths, statuses and bytes', async () => {
    const r = await replica()
    await getText(r, PAGE_2)
    await getText(r, '/missing')
    const log = r.requests()
    expect(log.map((q) => [q.method, q.path, q.status])).toEqual([
      ['GET', PAGE_2, 200],
      ['GET', '/missing', 404],
    ])
    expect(log[0]?.bytes).toBeGreaterThan(1000)
    r.resetRequests()
    expect(r.requests()).toEqual([])
  })

  it('closes with keep-alive connections and pending slow responses', async () => {
    const r = await replica({ faults: [{ kind: 'slow', delayMs: 60_000, match: 'slow-one' }] })
    await getText(r, SOCIAL)
    const pending = fetch(`${r.origin}/slow-one`).catch(() => 'aborted')
    await new Promise((resolve) => setTimeout(resolve, 50))
    const started = Date.now()
    await r.close()
    expect(Date.now() - started).toBeLessThan(1000)
    expect(await pending).toBe('aborted')
    await expect(fetch(r.origin + SOCIAL)).rejects.toThrow()
    expect(process.getActiveResourcesInfo()).not.toContain('TCPServerWrap')
  })
})
