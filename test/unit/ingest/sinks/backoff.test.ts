import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../../../../ingest/sinks/backoff.js'

describe('sink backoff', () => {
  it('doubles from the minimum and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, 500, 10_000))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ])
  })

  it('waits nothing before the first failure and never overflows', () => {
    expect(backoffDelay(0, 500, 10_000)).toBe(0)
    expect(backoffDelay(5000, 500, 30_000)).toBe(30_000)
  })
})
