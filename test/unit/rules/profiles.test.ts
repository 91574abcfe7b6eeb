import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/errors.js'
import {
  defaultProfileNames,
  defaultProfiles,
  resolveProfile,
  temperatureProfileSchema,
} from '../../../src/rules/index.js'
import { MIN } from './fixtures.js'

describe('temperature profiles', () => {
  it('ships the five defaults of the spec with their bounds', () => {
    const bounds = Object.fromEntries(
      defaultProfileNames.map((n) => [n, [defaultProfiles[n].lowC, defaultProfiles[n].highC]]),
    )
    expect(bounds).toEqual({
      frozen: [null, -18],
      chilled: [0, 8],
      fresh_meat: [0, 4],
      pharma_2_8: [2, 8],
      controlled_ambient: [15, 25],
    })
    for (const n of defaultProfileNames)
      expect(temperatureProfileSchema.parse(defaultProfiles[n])).toEqual(defaultProfiles[n])
  })

  it('gives pharma a shorter maximum gap, since it records at least every 5 minutes', () => {
    expect(defaultProfiles.pharma_2_8.maxGapMs).toBe(15 * MIN)
    expect(defaultProfiles.chilled.maxGapMs).toBe(30 * MIN)
  })

  it('merges a per-order override over the base profile', () => {
    const p = resolveProfile(defaultProfiles.chilled, {
      highC: 6,
      alarmDelayMs: 5 * MIN,
      humidity: { lowPct: 85, highPct: 95 },
    })
    expect(p).toMatchObject({
      name: 'chilled',
      lowC: 0,
      highC: 6,
      alarmDelayMs: 5 * MIN,
      clearHysteresisC: 0.5,
    })
    expect(p.humidity).toMatchObject({ lowPct: 85, highPct: 95, delayMs: 30 * MIN, hysteresisPct: 2 })
    expect(resolveProfile(p, { humidity: null }).humidity).toBeUndefined()
    expect(resolveProfile(p, { humidity: { highPct: 98 } }).humidity).toMatchObject({
      lowPct: 85,
      highPct: 98,
    })
  })

  it('refuses an override whose bounds are inverted, naming the key', () => {
    const attempt = () => resolveProfile(defaultProfiles.chilled, { lowC: 9 })
    expect(attempt).toThrow(AppError)
    try {
      attempt()
    } catch (err) {
      expect(err).toMatchObject({ code: 'VALIDATION_FAILED', details: { issues: [{ path: 'lowC' }] } })
    }
  })

  it('refuses a hysteresis as wide as half the band, negative durations and humidity out of 0–100 %', () => {
    expect(() => resolveProfile(defaultProfiles.fresh_meat, { clearHysteresisC: 2 })).toThrow(
      /clearHysteresisC/,
    )
    expect(() => resolveProfile(defaultProfiles.chilled, { alarmDelayMs: -1 })).toThrow(AppError)
    expect(() => resolveProfile(defaultProfiles.chilled, { humidity: { lowPct: 90, highPct: 120 } })).toThrow(
      AppError,
    )
    expect(() => resolveProfile(defaultProfiles.chilled, { severityBands: [{ severity: 'major' }] })).toThrow(
      AppError,
    )
  })

  it('lets frozen goods go without a lower bound and any hysteresis', () => {
    expect(resolveProfile(defaultProfiles.frozen, { clearHysteresisC: 3 }).clearHysteresisC).toBe(3)
  })
})
