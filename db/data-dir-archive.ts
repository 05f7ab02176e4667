// A PGlite data directory archive checked before PGlite unpacks it: PGlite's own loader takes
// a malformed tar for a compressed one, and the zlib error it then meets escapes every handler.
// A whole ustar archive of a data directory: valid headers (checksums), every file's bytes
// present, PG_VERSION among them.
const BLOCK = 512

/** The archive's fault in a few words, or null when it is a whole data directory archive. */
export function dataDirArchiveFault(archive: Uint8Array): string | null {
  const names = new Set<string>()
  let offset = 0
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK)
    if (header.every((byte) => byte === 0)) {
      return names.has('PG_VERSION') ? null : 'no PG_VERSION: not a PostgreSQL data directory'
    }
    if (!checksumMatches(header)) return `damaged tar header at byte ${offset}`
    const size = Number.parseInt(field(header, 124, 12) || '0', 8)
    if (!Number.isSafeInteger(size) || size < 0) return `damaged tar header at byte ${offset}`
    names.add(field(header, 0, 100).replace(/^\.?\/+/, ''))
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK
  }
  return offset > archive.length ? 'cut short inside a file' : 'cut short: no end-of-archive block'
}

function field(header: Uint8Array, start: number, length: number): string {
  const bytes = header.subarray(start, start + length)
  const end = bytes.indexOf(0)
  return new TextDecoder().decode(end === -1 ? bytes : bytes.subarray(0, end)).trim()
}

/** The header's sum of bytes, its checksum field counted as spaces, against that field. */
function checksumMatches(header: Uint8Array): boolean {
  let sum = 0
  for (let i = 0; i < BLOCK; i += 1) sum += i >= 148 && i < 156 ? 0x20 : (header[i] as number)
  return Number.parseInt(field(header, 148, 8), 8) === sum
}
