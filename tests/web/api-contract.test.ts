// The contract every route module keeps: its errors answered by the app's handler (one line, JSON
// under /api/, a page elsewhere), and the OpenAPI document describing each /api/v1 route with tags,
// a summary and responses typed throughout whose $refs all resolve, valid under the OpenAPI 3.1 schema.
import { Validator } from '@seriousme/openapi-schema-validator'
import { describe, expect, it } from 'vitest'
import { buildWebApp } from '../../src/web/app.ts'
import { useTestDatabase } from '../support/databases.ts'

// one bad parameter a route module validates, per module
const BAD_REQUESTS = [
  ['/?kind=bogus', 'page'],
  ['/api/v1/changes?kind=bogus', 'json'],
  ['/entries?year=abc', 'page'],
  ['/api/v1/entries?year=abc', 'json'],
  ['/pages/abc', 'page'],
  ['/listings/social-innovation?as-of=nope', 'page'],
  ['/api/v1/listings/social-innovation?as-of=nope', 'json'],
  ['/api/v1/runs?limit=0', 'json'],
] as const

describe('the route modules on pglite', () => {
  const db = useTestDatabase('pglite')
  const build = () => buildWebApp({ db: db(), now: () => new Date('2026-12-01T00:00:00Z'), secureCookies: false, sources: ['social-innovation'] })

  it('answer a bad parameter through the app error handler: a one-line 400', async () => {
    const web = await build()
    for (const [url, kind] of BAD_REQUESTS) {
      const response = await web.inject({ method: 'GET', url })
      expect([url, response.statusCode]).toEqual([url, 400])
      if (kind === 'json') expect([url, response.json()]).toEqual([url, { error: 400, message: expect.stringMatching(/^[^\n]+$/) }])
      else expect([url, response.body]).toEqual([url, expect.stringMatching(/<h1>Error 400<\/h1>\s*<p class="error">[^<\n]+<\/p>/)])
    }
    await web.close()
  })

  it('describe every /api/v1 route in a valid OpenAPI 3.1 document with tags, a summary, responses typed throughout and resolvable $refs', async () => {
    const web = await build()
    const document = (await web.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ openapi: string; paths: Record<string, Record<string, { tags?: string[]; summary?: string; responses?: Record<string, unknown> }>> }>()
    expect(document.openapi).toBe('3.1.0')
    const validation = await new Validator().validate(document)
    expect(validation.errors ?? []).toEqual([])
    expect(validation.valid).toBe(true)
    const paths = Object.keys(document.paths)
    expect(paths.length).toBeGreaterThan(8)
    for (const [path, operations] of Object.entries(document.paths)) {
      expect(path).toMatch(/^\/api\/v1\//)
      for (const [method, operation] of Object.entries(operations)) {
        expect([path, method, operation.tags?.length ?? 0, operation.summary ?? '']).toEqual([path, method, expect.any(Number), expect.stringMatching(/\S/)])
        expect(operation.tags?.length).toBeGreaterThan(0)
        expect([path, method, Object.keys(operation.responses ?? {}).length > 0]).toEqual([path, method, true])
      }
    }
    // no part of a response is left undescribed (an empty schema: anything)
    const untyped: string[] = []
    const walk = (node: unknown, at: string): void => {
      if (typeof node !== 'object' || node === null) return
      if (!Array.isArray(node) && Object.keys(node).length === 0) untyped.push(at)
      for (const [key, child] of Object.entries(node)) walk(child, `${at}/${key}`)
    }
    walk(document.paths, '#/paths')
    expect(untyped).toEqual([])
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? []
    for (const ref of refs) {
      const pointer = ref.slice('"$ref":"'.length, -1)
      expect(pointer).toMatch(/^#\//)
      const target = pointer.slice(2).split('/').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')], document)
      expect([pointer, target === undefined]).toEqual([pointer, false])
    }
    await web.close()
  })
})
