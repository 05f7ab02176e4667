// Files the replica serves as they are, found from the package's root: the sources, the build
// (whose chunks sit anywhere in dist/) and an installed package all keep them at the same place there.
import { existsSync } from 'node:fs'

export const REFERENCE_PAGE_FILE = new URL('replica/legacy/social-innovation-issue.html', packageRoot())

function packageRoot(): URL {
  let dir = new URL('./', import.meta.url)
  while (!existsSync(new URL('package.json', dir))) {
    const parent = new URL('../', dir)
    if (parent.href === dir.href) throw new Error(`replica: no package.json above ${import.meta.url}`)
    dir = parent
  }
  return dir
}
