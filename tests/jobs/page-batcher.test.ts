import { describe, expect, it, vi } from 'vitest'
import { PageBatcher } from '../../jobs/page-batcher.ts'

describe('PageBatcher', () => {
  it('ends a batch at maxBatch pages or at maxWeight, and still writes a page heavier than maxWeight alone', async () => {
    const batches: number[][] = []
    const batcher = new PageBatcher<number>(async (pages) => void batches.push(pages), 3, 100, 5, (page) => page, 10)
    // queued before the gathering window ends: cut by count (3 pages), then by weight (10)
    for (const page of [1, 1, 1, 1, 1, 4, 6, 25, 2, 2]) await batcher.add(page)
    await batcher.finish()
    expect(batches).toEqual([[1, 1, 1], [1, 1, 4], [6], [25], [2, 2]])
  })

  it('rethrows a failed write from finish and refuses later pages', async () => {
    const batcher = new PageBatcher<number>(async () => Promise.reject(new Error('disk full')), 3, 100, 0)
    await batcher.add(1)
    await expect(batcher.finish()).rejects.toThrow('disk full')
    await expect(batcher.add(2)).rejects.toThrow('disk full')
  })

  it('writes the pages still gathering as soon as it is told no more come, not after the window', async () => {
    // time stands still: only finish can end a gathering window
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const batches: number[][] = []
      const batcher = new PageBatcher<number>(async (pages) => void batches.push(pages), 50, 100, 60_000)
      await batcher.add(1)
      await batcher.add(2)
      await batcher.finish()
      expect(batches).toEqual([[1, 2]])
    } finally {
      vi.useRealTimers()
    }
  })
})
