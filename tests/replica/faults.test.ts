import { describe, expect, it } from 'vitest'
import { getText, replica } from './support.ts'

const SOCIAL = '/eurocities/issues/social-innovation-issue'
const DETAIL = '/eurocities/allcontent/Rennes-hotel-of-projects-WSPO-BGYT6F'

describe('replica faults', () => {
  it('fails the first K requests with a status, then recovers', async () => {
    const r = await replica({ faults: [{ kind: 'status', status: 500, times: 2 }] })
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await getText(r, SOCIAL)).status)
    expect(statuses).toEqual([500, 500, 200])
    expect(r.requests().map((q) => q.status)).toEqual([500, 500, 200])
  })

  it('answers 429 with Retry-After', async () => {
    const r = await replica({ faults: [{ kind: 'rate-limit', retryAfterSeconds: 1 }] })
    const res = await getText(r, SOCIAL)
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('1')
  })

  it('answers slowly', async () => {
    const r = await replica({ faults: [{ kind: 'slow', delayMs: 300 }] })
    const started = performance.now()
    expect((await getText(r, SOCIAL)).status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(280)
  })

  it('truncates the body and drops the connection', async () => {
    const r = await replica({ faults: [{ kind: 'truncate', times: 1 }] })
    const res = await fetch(r.origin + SOCIAL)
    expect(res.status).toBe(200)
    const declared = Number(res.headers.get('content-length'))
    await expect(res.text()).rejects.toThrow()
    const [logged] = r.requests()
    expect(logged?.bytes).toBeLessThan(declared)
    expect((await getText(r, SOCIAL)).status).toBe(200)
  })

  it('serves a redesigned page with the same entries on layout drift', async () => {
    const r = await replica({ faults: [{ kind: 'layout-drift' }] })
    const { status, text } = await getText(r, SOCIAL)
    expect(status).toBe(200)
    expect(text).not.toContain('newsitem')
    expect(text).toContain('<section id="main">')
    expect(text.match(/<article class="teaser">/g)).toHaveLength(10)
    expect(text).toContain('WSPO-BH2KQ7')
  })

  it('serves an oversized page', async () => {
    const r = await replica({ faults: [{ kind: 'oversize', bytes: 3_000_000 }] })
    const res = await fetch(r.origin + SOCIAL)
    expect(res.status).toBe(200)
    expect((await res.arrayBuffer()).byteLength).toBe(3_000_000)
  })

  it('leaves robots.txt and non-listing pages alone unless matched', async () => {
    const r = await replica({ faults: [{ kind: 'status', status: 503 }] })
    expect((await getText(r, '/robots.txt')).status).toBe(200)
    expect((await getText(r, DETAIL)).status).toBe(200)
    expect((await getText(r, SOCIAL)).status).toBe(503)
    r.setFaults([{ kind: 'status', status: 500, match: '/robots.txt' }, { kind: 'status', status: 502, match: 'WSPO-BGYT6F' }])
    expect((await getText(r, '/robots.txt')).status).toBe(500)
    expect((await getText(r, DETAIL)).status).toBe(502)
    expect((await getText(r, SOCIAL)).status).toBe(200)
  })

  it('matches on the raw path with its & parameters', async () => {
    const r = await replica({ faults: [{ kind: 'status', status: 500, match: '&newsstart=21' }] })
    expect((await getText(r, SOCIAL)).status).toBe(200)
    expect((await getText(r, `${SOCIAL}&newsstart=21&newscount=10&contentURL=social-innovation-issue`)).status).toBe(500)
  })

  it('rejects a malformed fault', async () => {
    const r = await replica()
    expect(() => r.setFaults([{ kind: 'status', status: 200 }])).toThrow(RangeError)
  })
})
