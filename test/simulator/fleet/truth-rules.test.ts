import { describe, expect, it } from 'vitest'
import {
  findExcursions,
  type Limits,
  outOfRange,
  type Point,
} from '../../../simulator/fleet/truth/excursions.js'
import { findGaps } from '../../../simulator/fleet/truth/gaps.js'
import { findStalls } from '../../../simulator/fleet/truth/stalls.js'

const MIN = 60_000
const chilled: Limits = { low: 0, high: 8, hysteresis: 0.5, alarmDelayMs: 10 * MIN, maxGapMs: 30 * MIN }

/** Readings one per minute from minute 0. */
const series = (...values: number[]): Point[] =>
  values.map((value, i) => ({
    ts: i * MIN,
    value,
    ackedAtWall: 1000 + i,
    backfilled: false,
    trueAt: i * MIN,
  }))

describe('ground-truth excursions', () => {
  it('confirm once the value has stayed out for the alarm delay, starting at the first reading out', () => {
    const found = findExcursions(series(4, ...Array(11).fill(9), 4), chilled)
    expect(found).toEqual([expect.objectContaining({ side: 'high', start: MIN, end: 12 * MIN, peak: 9 })])
    expect(found[0]?.confirmedBy.ts).toBe(11 * MIN)
  })

  it('are not excursions when shorter than the delay', () => {
    expect(findExcursions(series(4, ...Array(9).fill(9), 4), chilled)).toEqual([])
  })

  it('count each reading until the next one: out from minute 1 to 11 is the delay, whatever minute 11 reads', () => {
    const found = findExcursions(series(4, ...Array(10).fill(9), 4), chilled)
    expect(found).toEqual([expect.objectContaining({ start: MIN, end: 11 * MIN, peak: 9 })])
    expect(found[0]?.confirmedBy.ts).toBe(11 * MIN)
    // Back in range but not by the hysteresis: confirmed, and still open.
    expect(findExcursions(series(4, ...Array(10).fill(9), 7.8), chilled)).toEqual([
      expect.objectContaining({ start: MIN, end: null }),
    ])
  })

  it('confirm at once after the cumulative budget is exceeded', () => {
    const points = series(9, 9, 9, 4, 9, 4)
    const budget = outOfRange(points, chilled, 3 * MIN)
    expect(findExcursions(points, chilled, budget.exhaustedAt)).toEqual([
      expect.objectContaining({ start: 4 * MIN, end: 5 * MIN }),
    ])
    // At the instant the total reaches the budget it has not exceeded it: no excursion for the first run.
    expect(findExcursions(points, chilled, budget.exhaustedAt).map((f) => f.confirmedBy.ts)).toEqual([
      5 * MIN,
    ])
  })

  it('clear only with the hysteresis: 7.8 keeps it open, 7.5 ends it', () => {
    const found = findExcursions(series(...Array(11).fill(9), 7.8, 12, 7.5), chilled)
    expect(found).toEqual([expect.objectContaining({ start: 0, end: 13 * MIN, peak: 12 })])
  })

  it('treat a bound value as in range, and find low excursions with the minimum as peak', () => {
    expect(findExcursions(series(...Array(15).fill(8)), chilled)).toEqual([])
    expect(findExcursions(series(...Array(11).fill(-1), -2, 1), chilled)).toEqual([
      expect.objectContaining({ side: 'low', peak: -2, end: 12 * MIN }),
    ])
  })

  it('break a pending run at a data gap', () => {
    const points = [
      ...series(9, 9, 9),
      ...series(9, 9, 9, 9, 9, 9, 9, 9).map((p) => ({ ...p, ts: p.ts + 40 * MIN })),
    ]
    expect(findExcursions(points, chilled)).toEqual([])
  })

  it('accumulate time out of range and say when the budget ran out', () => {
    const budget = outOfRange(series(9, 9, 9, 4, 9, 4), chilled, 3 * MIN)
    expect(budget.ms).toBe(4 * MIN)
    expect(budget.exhaustedAt).toBe(4 * MIN)
  })
})

describe('ground-truth gaps', () => {
  it('are silences longer than the maximum gap, custody ends included', () => {
    expect(findGaps([10 * MIN, 20 * MIN, 60 * MIN], 0, 100 * MIN, 30 * MIN)).toEqual([
      { start: 20 * MIN, end: 60 * MIN },
      { start: 60 * MIN, end: 100 * MIN },
    ])
    expect(findGaps([10 * MIN], 0, null, 30 * MIN)).toEqual([])
  })
})

describe('ground-truth stalls', () => {
  const H = 60 * MIN
  it('are nodes further apart than the tier allows, or an old last node at the end of the run', () => {
    const nodes = [
      { ts: 0, event: 'pickup' },
      { ts: H, event: 'hub_in' },
      { ts: 5 * H, event: 'hub_out' },
    ]
    expect(findStalls(nodes, 3 * H, 9 * H)).toEqual([
      { since: H, lastEvent: 'hub_in', due: 4 * H, until: 5 * H },
      { since: 5 * H, lastEvent: 'hub_out', due: 8 * H, until: null },
    ])
  })

  it('end at delivery', () => {
    expect(findStalls([{ ts: 0, event: 'delivered' }], 1, 100)).toEqual([])
  })
})
