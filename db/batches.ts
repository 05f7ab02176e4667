// Statements that carry many rows are cut into batches under the bind-parameter limits.

/**
 * Bind parameters one statement may carry. PostgreSQL counts them in 16 bits (65,535 at most)
 * and PGlite's protocol parser reads that count as a signed 16-bit number (a statement with
 * more than 32,767 fails with "Invalid array length"): well under both.
 */
export const MAX_PARAMETERS = 16_000

/** `items` cut into runs of at most MAX_PARAMETERS / `parametersPerItem`, in order. */
export function batchesOf<T>(items: readonly T[], parametersPerItem: number): T[][] {
  const size = Math.max(1, Math.floor(MAX_PARAMETERS / parametersPerItem))
  const batches: T[][] = []
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size))
  return batches
}
