// Processes started under this one, read from /proc (Linux). The browser crawler's tests check
// with it that a run leaves no Chromium behind, and the benchmark sums the tree's memory.
import { readdirSync, readFileSync } from 'node:fs'

export interface ProcessInfo {
  pid: number
  ppid: number
  /** The command line, arguments joined by spaces. */
  command: string
  rssBytes: number
}

/** Proportional set size: resident memory with each shared page split among the processes sharing it, so a tree's sum does not count Chromium's shared pages once per process. */
export function pssBytes(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) * 1024
  } catch {
    return 0
  }
}

/** `root` and every process below it; processes that exit while being read are left out. */
export function processTree(root = process.pid): ProcessInfo[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcess(Number(name)))
    .filter((info) => info !== null)
  const children = new Map<number, ProcessInfo[]>()
  for (const info of all) children.set(info.ppid, [...(children.get(info.ppid) ?? []), info])
  const tree = all.filter((info) => info.pid === root)
  for (let index = 0; index < tree.length; index += 1) tree.push(...(children.get(tree[index]?.pid ?? -1) ?? []))
  return tree
}

/** Chromium processes (browser, zygotes, renderers, utilities) below this process. */
export function chromiumProcesses(root = process.pid): ProcessInfo[] {
  return processTree(root).filter((info) => info.pid !== root && /chrom/i.test(info.command))
}

function readProcess(pid: number): ProcessInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // the command name is in parentheses and may itself hold spaces or parentheses
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0)
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()
    return { pid, ppid, command, rssBytes: rssKb * 1024 }
  } catch {
    return null
  }
}
