// Helpers for the replica tests: every test talks to a real server over loopback.
import { afterEach } from 'vitest'
import { startReplica, type Replica, type ReplicaOptions } from '../../replica/index.ts'

const open: Replica[] = []

afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()))
})

/** A replica closed after the test. */
export async function replica(options: ReplicaOptions = {}): Promise<Replica> {
  const r = await startReplica(options)
  open.push(r)
  return r
}

export async function getText(r: Replica, path: string, init?: RequestInit): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(r.origin + path, { redirect: 'manual', ...init })
  return { status: res.status, text: await res.text(), headers: res.headers }
}

/** WSPO ids of the entries (not the side boxes) of a listing page, in order. */
export function entryIds(html: string): string[] {
  const list = html.slice(html.indexOf('<div class="newslist">'), html.indexOf('<div class="pager">'))
  return [...list.matchAll(/<h2 class="newstitle"><a href="[^"]*-WSPO-([A-Z0-9]{6})"/g)].map((m) => `WSPO-${m[1]}`)
}

/** The `.newsitem` block of one entry. */
export function itemOf(html: string, key: string): string {
  const at = html.indexOf(`-${key}"`)
  if (at < 0) return ''
  const start = html.lastIndexOf('<div class="newsitem">', at)
  return html.slice(start, html.indexOf('\n   </div>', at))
}

/** Follow `a.next` from page 1; returns the page paths in order. */
export async function crawlPaths(r: Replica, first: string): Promise<string[]> {
  const paths = [first]
  for (;;) {
    const { status, text } = await getText(r, paths[paths.length - 1] ?? first)
    if (status !== 200) throw new Error(`status ${status} for ${paths[paths.length - 1]}`)
    const next = /<a href="([^"]*)" class="next">/.exec(text)?.[1]
    if (next === undefined) return paths
    paths.push(next.replaceAll('&amp;', '&'))
  }
}
