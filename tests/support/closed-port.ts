// A loopback port nothing listens on: taken from the system, then given back, so a connection to it
// is refused (an SMTP server, a webhook receiver or an archive that is down).
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'

export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
