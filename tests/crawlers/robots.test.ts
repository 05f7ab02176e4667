// robots.txt as RFC 9309 reads it, against hostile servers on loopback: the answer's status
// decides, a hanging or endless robots.txt cannot hold the crawl, and the crawl's identity is sent.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { OriginMap } from '../../crawlers/origin-map.ts'
import { MAX_ROBOTS_BYTES, RobotsRules } from '../../crawlers/robots.ts'

const USER_AGENT = 'eurowatch-test/1 (+https://example.org/eurowatch)'
const servers: ReturnType<typeof createServer>[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
})

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  const server = createServer(handler)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const rules = (timeoutSeconds = 5) => new RobotsRules({ userAgent: USER_AGENT, timeoutSeconds, origins: new OriginMap() })

describe('RobotsRules', () => {
  it('follows the rules for its product token, asked with the crawl User-Agent', async () => {
    const agents: (string | undefined)[] = []
    const origin = await serve((request, response) => {
      agents.push(request.headers['user-agent'])
      response.end('User-agent: eurowatch\nDisallow: /private\n\nUser-agent: *\nDisallow: /\n')
    })
    const robots = rules()
    expect(await robots.refusal(`${origin}/list`)).toBeNull()
    expect(await robots.refusal(`${origin}/private/list`)).toBe('disallowed by robots.txt')
    expect(agents).toEqual([USER_AGENT])
  })

  it('allows everything when robots.txt is missing (4xx)', async () => {
    const origin = await serve((_request, response) => response.writeHead(404).end('not here'))
    expect(await rules().refusal(`${origin}/list`)).toBeNull()
  })

  it('allows nothing when the server fails (5xx)', async () => {
    const origin = await serve((_request, response) => response.writeHead(503).end('down'))
    expect(await rules().refusal(`${origin}/list`)).toBe('robots.txt answered HTTP 503')
  })

  it('asks again when the connection fails, rather than forbidding the whole site', async () => {
    let asked = 0
    const origin = await serve((request, response) => {
      asked += 1
      if (asked === 1) return void request.socket.destroy()
      response.end('User-agent: *\nDisallow: /private\n')
    })
    const robots = rules()
    expect(await robots.refusal(`${origin}/list`)).toBeNull()
    expect(await robots.refusal(`${origin}/private/list`)).toBe('disallowed by robots.txt')
    expect(asked).toBe(2)
  })

  it('allows nothing when robots.txt hangs past the timeout, and gives up in time', async () => {
    const origin = await serve(() => undefined)
    const started = performance.now()
    expect(await rules(0.5).refusal(`${origin}/list`)).toMatch(/^robots.txt could not be read/)
    expect(performance.now() - started).toBeLessThan(3000)
  })

  it('reads no more than 500 KiB of an endless robots.txt', async () => {
    let sent = 0
    let closed = false
    const origin = await serve((_request, response) => {
      response.on('close', () => (closed = true))
      const line = 'Allow: /\n'.repeat(1024)
      const more = () => {
        while (!closed && sent < 50_000_000) {
          sent += line.length
          if (!response.write(line)) return void response.once('drain', more)
        }
        response.end()
      }
      response.write('User-agent: *\n')
      more()
    })
    expect(await rules().refusal(`${origin}/list`)).toBeNull()
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(closed).toBe(true)
    expect(sent).toBeLessThan(MAX_ROBOTS_BYTES * 40)
  })
})
