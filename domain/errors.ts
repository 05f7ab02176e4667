/** A mistake the user can fix: a bad flag, file, key, URL or an unreachable database. Exit code 2, no stack. */
export class UserError extends Error {
  override name = 'UserError'
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message)
  }
}

/** The page no longer has the layout the parser knows: the site changed. Never retried. */
export class LayoutError extends Error {
  override name = 'LayoutError'
  constructor(
    message: string,
    readonly pageUrl: string,
  ) {
    super(`${message} (${pageUrl})`)
  }
}

/** Output could not be written whole (a full disk, a closed pipe): exit code 4, one line, no stack. */
export class OutputError extends Error {
  override name = 'OutputError'
}
