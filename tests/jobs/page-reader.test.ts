// The reading budget of a page grows with its size: reading is linear in it, so a flat budget failed
// big pages (a 20,000-entry page, 3 MB, on a loaded machine); a small pathological page still fails fast.
import { describe, expect, it } from 'vitest'
import { readBudgetSeconds } from '../../jobs/page-reader.ts'

describe('the time a page may take to be read', () => {
  it('is parseTimeoutSeconds for a page up to a megabyte', () => {
    expect(readBudgetSeconds(10, 0)).toBe(10)
    expect(readBudgetSeconds(10, 200_000)).toBe(10)
    expect(readBudgetSeconds(10, 1_000_000)).toBe(10)
  })

  it('is parseTimeoutSeconds a megabyte for a bigger page', () => {
    expect(readBudgetSeconds(10, 3_137_847)).toBeCloseTo(31.4, 1)
    expect(readBudgetSeconds(1, 1_100_000)).toBeCloseTo(1.1, 5)
  })
})
