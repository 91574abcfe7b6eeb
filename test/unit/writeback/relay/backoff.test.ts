import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../../../../src/writeback/relay/backoff.js'
import { TokenBucket } from '../../../../src/writeback/relay/token-bucket.js'

const options = { baseMs: 1000, maxMs: 600_000 }

describe('retry backoff', () => {
  it('draws each delay between 100 ms and a ceiling that doubles from the base', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, options, () => 0.999999))).toEqual([
      1000, 2000, 4000, 8000,
    ])
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, options, () => 0))).toEqual([100, 100, 100, 100])
  })

  it('never waits longer than the cap, however many attempts', () => {
    expect(backoffDelay(11, options, () => 1 - 1e-12)).toBe(600_000)
    expect(backoffDelay(500, options, () => 1 - 1e-12)).toBe(600_000)
  })

  it('spreads retries of many lanes over the whole window (full jitter)', () => {
    let seed = 7
    const random = () => {
      seed = (seed * 48271) % 2147483647
      return seed / 2147483647
    }
    const draws = Array.from({ length: 2000 }, () => backoffDelay(8, options, random))
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(100)
    expect(Math.max(...draws)).toBeLessThanOrEqual(128_000)
    expect(mean).toBeGreaterThan(55_000)
    expect(mean).toBeLessThan(73_000)
  })
})

describe('the token bucket', () => {
  it('allows a burst, then one request per 1/rate seconds', () => {
    const bucket = new TokenBucket(4, 2, 0)
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, false])
    expect(bucket.nextAt(0)).toBe(250)
    expect(bucket.take(249)).toBe(false)
    expect(bucket.take(250)).toBe(true)
  })

  it('never holds more than its burst after a quiet spell', () => {
    const bucket = new TokenBucket(10, 3, 0)
    const taken = Array.from({ length: 5 }, () => bucket.take(60_000)).filter(Boolean)
    expect(taken).toHaveLength(3)
  })
})
