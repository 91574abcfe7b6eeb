import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  addToMkt,
  emptyMkt,
  meanKineticTemperature,
  mergeMkt,
  mktOf,
  mktOfSeries,
} from '../../../src/rules/index.js'
import { HOUR, MIN, reading, series } from './fixtures.js'

describe('mean kinetic temperature (USP <1160>, ΔH/R = 10 000 K)', () => {
  it('returns the constant for a constant series', () => {
    expect(mktOfSeries(series('2026-01-01T00:00Z', 5, [5, 5, 5, 5]))).toBeCloseTo(5, 9)
    expect(meanKineticTemperature([{ tempC: -18 }])).toBeCloseTo(-18, 9)
  })

  it('matches a worked value: half the time at 20 °C and half at 30 °C is 26.26 °C, not 25 °C', () => {
    // 10000 / −ln((e^(−10000/293.15) + e^(−10000/303.15)) / 2) − 273.15 = 26.2599 °C
    expect(meanKineticTemperature([{ tempC: 20 }, { tempC: 30 }])).toBeCloseTo(26.2599, 3)
  })

  it('weights each reading by the time it stands for, so irregular spacing counts correctly', () => {
    // 20 °C for three hours, then 30 °C for one hour, then the final reading.
    const readings = [
      reading('2026-01-01T00:00Z', 20),
      reading('2026-01-01T03:00Z', 30),
      reading('2026-01-01T04:00Z', 30),
    ]
    expect(mktOfSeries(readings)).toBeCloseTo(
      meanKineticTemperature([
        { tempC: 20, weight: 3 },
        { tempC: 30, weight: 1 },
      ])!,
      9,
    )
    expect(mktOfSeries(readings)).toBeCloseTo(23.6445, 3)
  })

  it('gives a data gap no weight', () => {
    const readings = [
      reading('2026-01-01T00:00Z', 20),
      reading('2026-01-01T05:00Z', 30),
      reading('2026-01-01T05:10Z', 30),
    ]
    expect(mktOfSeries(readings, 30 * MIN)).toBeCloseTo(30, 9)
  })

  it('is never below the time-weighted arithmetic mean', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            tempC: fc.double({ min: -40, max: 60, noNaN: true }),
            weight: fc.integer({ min: 1, max: HOUR }),
          }),
          {
            minLength: 1,
            maxLength: 50,
          },
        ),
        (samples) => {
          const total = samples.reduce((s, x) => s + x.weight, 0)
          const mean = samples.reduce((s, x) => s + x.tempC * x.weight, 0) / total
          expect(meanKineticTemperature(samples)!).toBeGreaterThanOrEqual(mean - 1e-9)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('keeps a running accumulator equal to the batch formula, and accumulators merge', () => {
    const temps = [2, 4, 8, 12, 6]
    let acc = emptyMkt()
    for (const t of temps) acc = addToMkt(acc, t, 5 * MIN)
    expect(mktOf(acc)).toBeCloseTo(meanKineticTemperature(temps.map((tempC) => ({ tempC })))!, 9)
    let a = emptyMkt()
    let b = emptyMkt()
    for (const t of temps.slice(0, 2)) a = addToMkt(a, t, 1)
    for (const t of temps.slice(2)) b = addToMkt(b, t, 1)
    expect(mktOf(mergeMkt(a, b))).toBeCloseTo(mktOf(acc)!, 9)
    expect(JSON.parse(JSON.stringify(acc))).toEqual(acc)
  })

  it('has no value without readings', () => {
    expect(mktOf(emptyMkt())).toBeNull()
    expect(mktOfSeries([])).toBeNull()
  })
})
