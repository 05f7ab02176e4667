// The replica's web archive in the Wayback Machine's shapes: the CDX index (header row, prefix
// match, collapse=digest, from/to, limit with resume keys) and the id_ captures (the capture's
// own bytes with its original URL named, a redirect to the nearest capture, a 404 for a URL
// never archived), replaying the legacy site at the step it was captured.
import { describe, expect, it } from 'vitest'
import { getText, replica } from './support.ts'

const SOCIAL = 'http://www.eurocities.eu/eurocities/issues/social-innovation-issue'
const cdx = (query: string) => `/cdx/search/cdx?url=${encodeURIComponent(SOCIAL)}&output=json&${query}`

describe('the replica\'s web archive', () => {
  it('indexes the captures of a listing\'s pages, one row per distinct body with collapse=digest', async () => {
    const r = await replica()
    const all = JSON.parse((await getText(r, cdx('matchType=prefix&filter=statuscode:200'))).text) as string[][]
    const collapsed = JSON.parse((await getText(r, cdx('matchType=prefix&filter=statuscode:200&collapse=digest'))).text) as string[][]
    expect(all[0]).toEqual(['urlkey', 'timestamp', 'original', 'mimetype', 'statuscode', 'digest', 'length'])
    const pageOne = (rows: string[][]) => rows.slice(1).filter((row) => row[2] === SOCIAL).map((row) => row[1])
    // five steps, a week apart, step 3 not captured; page 1 is the same at steps 2 and 4
    expect(pageOne(all)).toEqual(['20191101100000', '20191108100000', '20191115100000', '20191129100000'])
    expect(pageOne(collapsed)).toEqual(['20191101100000', '20191108100000', '20191115100000'])
    // page 3 was not captured at step 1: the missing page
    expect(all.slice(1).filter((row) => row[2]?.includes('newsstart=21')).map((row) => row[1])).toEqual(['20191101103000', '20191115103000', '20191129103000'])
    const exact = JSON.parse((await getText(r, cdx('from=20191108&to=20191110'))).text) as string[][]
    expect(exact.slice(1).map((row) => [row[1], row[2]])).toEqual([['20191108100000', SOCIAL]])
    expect(JSON.parse((await getText(r, cdx('from=2030'))).text)).toEqual([])
  })

  it('pages the index with resume keys', async () => {
    const r = await replica()
    const rows: string[][] = []
    let resume: string | null = null
    for (let page = 0; page < 10; page++) {
      const answer = JSON.parse((await getText(r, cdx(`matchType=prefix&limit=4&showResumeKey=true${resume === null ? '' : `&resumeKey=${resume}`}`))).text) as string[][]
      const gap = answer.findIndex((row) => row.length === 0)
      rows.push(...answer.slice(1, gap < 0 ? undefined : gap))
      resume = gap < 0 ? null : (answer[gap + 1]?.[0] ?? null)
      if (resume === null) break
    }
    const whole = JSON.parse((await getText(r, cdx('matchType=prefix'))).text) as string[][]
    expect(rows).toEqual(whole.slice(1))
  })

  it('serves a capture\'s bytes, redirects to the nearest capture, and 404s a URL never archived', async () => {
    const r = await replica()
    const capture = await getText(r, `/web/20191115100000id_/${SOCIAL}`)
    expect(capture.status).toBe(200)
    expect(capture.headers.get('link')).toBe(`<${SOCIAL}>; rel="original"`)
    expect(capture.text).toContain('now twelve mediators strong')
    expect((await getText(r, `/web/20191101100000id_/${SOCIAL}`)).text).not.toContain('now twelve mediators strong')
    const near = await getText(r, `/web/20191114000000id_/${SOCIAL}`, { redirect: 'manual' })
    expect([near.status, near.headers.get('location')]).toEqual([302, `/web/20191115100000id_/${SOCIAL}`])
    expect((await getText(r, '/web/20191101100000id_/http://www.eurocities.eu/eurocities/issues/nothing')).status).toBe(404)
  })
})
