/**
 * Colour on a terminal unless NO_COLOR is set (https://no-color.org: any non-empty value);
 * an explicit --color or --no-color wins.
 */
export function useColor(flag: boolean | undefined, stream: { isTTY?: boolean }, noColor: string | undefined): boolean {
  if (flag !== undefined) return flag
  return stream.isTTY === true && (noColor === undefined || noColor === '')
}
