import { describe, expect, it } from 'vitest'
import { meanKineticTemperature, report, summarizeReport, summarizeTrail } from '../../../src/rules/index.js'
import { chilled, fault, feedEach, HOUR, MIN, reading, series } from './fixtures.js'

const params = chilled()

describe('trail summary', () => {
  it('summarises min, max, time-weighted mean, MKT, time out of range, budget left and time unknown', () => {
    const readings = [
      ...series('2026-01-01T00:00Z', 10, [4, 4, 10, 4]), // 10 °C for 10 min
      fault('2026-01-01T00:35Z'),
      reading('2026-01-01T01:30Z', 6), // 60 min after 00:30: a gap
      reading('2026-01-01T01:40Z', 6),
    ]
    const s = summarizeTrail(readings, params.profile)
    expect(s).toMatchObject({
      readings: 6,
      faults: 1,
      minC: 4,
      maxC: 10,
      outOfRangeMs: 10 * MIN,
      budgetMs: HOUR,
      budgetLeftMs: 50 * MIN,
      budgetExhaustedAt: null,
      unknownMs: HOUR,
      excursions: 1,
      openExcursions: 0,
      gaps: 1,
    })
    // Observed time: 30 min from 00:00 and 10 min from 01:30: (4·10 + 4·10 + 10·10 + 6·10) / 40.
    expect(s.meanC).toBeCloseTo(6, 9)
    expect(s.mktC).toBeCloseTo(
      meanKineticTemperature([{ tempC: 4 }, { tempC: 4 }, { tempC: 10 }, { tempC: 6 }])!,
      9,
    )
    expect(s.mktC!).toBeGreaterThan(s.meanC!)
  })

  it('gives the same summary from the live engine state as from the stored trail', () => {
    const readings = series('2026-01-01T00:00Z', 5, [5, 9, 9, 9, 9, 6, 3])
    const live = summarizeReport(report(feedEach([...readings].reverse(), params).state, params))
    expect(live).toEqual(summarizeTrail(readings, params.profile))
  })

  it('uses the plain mean for a single reading and is empty without readings', () => {
    expect(summarizeTrail([reading('2026-01-01T00:00Z', 3)], params.profile)).toMatchObject({
      meanC: 3,
      minC: 3,
      maxC: 3,
    })
    expect(summarizeTrail([reading('2026-01-01T00:00Z', 3)], params.profile).mktC).toBeCloseTo(3, 9)
    expect(summarizeTrail([], params.profile)).toMatchObject({
      readings: 0,
      meanC: null,
      mktC: null,
      minC: null,
    })
  })
})
