import { describe, expect, it } from 'vitest'
import { checkStall, defaultStallParams } from '../../../src/rules/index.js'
import { at, HOUR } from './fixtures.js'

describe('transit stalled', () => {
  it('is not stalled while the newest node is within the tier’s interval', () => {
    expect(checkStall(at('2026-01-01T08:00Z'), 'next_day', at('2026-01-01T15:59Z'))).toEqual({
      stalled: false,
      since: at('2026-01-01T16:00Z'),
      overdueMs: 0,
      maxIntervalMs: 8 * HOUR,
    })
  })

  it('is still on time exactly at the limit, and stalled after it, with how long it is overdue', () => {
    expect(checkStall(at('2026-01-01T08:00Z'), 'same_day', at('2026-01-01T11:00Z')).stalled).toBe(false)
    expect(checkStall(at('2026-01-01T08:00Z'), 'same_day', at('2026-01-01T12:30Z'))).toMatchObject({
      stalled: true,
      since: at('2026-01-01T11:00Z'),
      overdueMs: 1.5 * HOUR,
    })
  })

  it('allows stricter tiers less time: same day < next day < standard', () => {
    expect(defaultStallParams.same_day).toBeLessThan(defaultStallParams.next_day)
    expect(defaultStallParams.next_day).toBeLessThan(defaultStallParams.standard)
    expect(checkStall(at('2026-01-01T00:00Z'), 'standard', at('2026-01-01T23:00Z')).stalled).toBe(false)
    expect(checkStall(at('2026-01-01T00:00Z'), 'standard', at('2026-01-02T01:00Z')).stalled).toBe(true)
  })

  it('takes per-tier overrides', () => {
    expect(
      checkStall(at('2026-01-01T00:00Z'), 'standard', at('2026-01-01T13:00Z'), { standard: 12 * HOUR }),
    ).toMatchObject({
      stalled: true,
      overdueMs: HOUR,
    })
  })
})
