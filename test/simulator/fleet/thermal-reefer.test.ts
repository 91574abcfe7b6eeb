import { describe, expect, it } from 'vitest'
import { reeferPreset } from '../../../simulator/thermal/presets.js'
import {
  initialReefer,
  isCooling,
  type ReeferParams,
  type ReeferState,
  stepReefer,
} from '../../../simulator/thermal/reefer.js'

const MIN = 60_000
const T0 = Date.parse('2026-07-01T00:00:00Z')
const hot = { ambientC: 30, ambientRh: 70 }

/** Steps a reefer for `minutes` at 10 s steps, calling `each` after every step. */
function simulate(
  p: ReeferParams,
  s: ReeferState,
  from: number,
  minutes: number,
  each?: (s: ReeferState, t: number) => void,
) {
  let state = s
  for (let t = from; t < from + minutes * MIN; t += 10_000) {
    state = stepReefer(state, p, hot, t, 10_000)
    each?.(state, t + 10_000)
  }
  return state
}

describe('the reefer model', () => {
  it('holds the air in the control band by cycling the compressor', () => {
    const p = { ...reeferPreset('chilled'), defrostPhaseMin: 10_000 }
    let switches = 0
    let was = false
    const temps: number[] = []
    simulate(p, initialReefer(p, T0), T0, 6 * 60, (s) => {
      if (isCooling(s) !== was) switches++
      was = isCooling(s)
      temps.push(s.tempC)
    })
    const settled = temps.slice(60)
    expect(Math.min(...settled)).toBeGreaterThan(p.setpointC - p.bandC / 2 - 0.3)
    expect(Math.max(...settled)).toBeLessThan(p.setpointC + p.bandC / 2 + 0.3)
    // On/off cycling, not a compressor that runs forever: several cycles an hour on a hot day.
    expect(switches).toBeGreaterThan(20)
  })

  it('after a failure approaches ambient with the wall time constant', () => {
    const p = reeferPreset('chilled')
    const start = { ...initialReefer(p, T0), failed: true }
    const after = simulate(p, start, T0, p.tauWallMin)
    // T(τ) = Ta − (Ta − T0)·e^−1
    const expected = 30 - (30 - p.setpointC) * Math.exp(-1)
    expect(after.tempC).toBeCloseTo(expected, 1)
    const later = simulate(p, after, T0 + p.tauWallMin * MIN, 5 * p.tauWallMin)
    expect(later.tempC).toBeGreaterThan(29.5)
  })

  it('warms with the door open in proportion to the open time and the ambient difference', () => {
    const p = { ...reeferPreset('chilled'), defrostPhaseMin: 10_000 }
    const open = { ...initialReefer(p, T0), doorOpen: true }
    const rise = (minutes: number) => simulate(p, open, T0, minutes).tempC - p.setpointC
    // Walls and door in parallel: ΔT = (Ta − T0)(1 − e^(−t(1/τ_door + 1/τ_wall))).
    const k = 1 / p.tauDoorMin + 1 / p.tauWallMin
    expect(rise(4)).toBeCloseTo((30 - p.setpointC) * (1 - Math.exp(-4 * k)), 1)
    expect(rise(2)).toBeLessThan(rise(4))
    expect(rise(2)).toBeGreaterThan(rise(4) / 2 - 0.5)
  })

  it('defrosts on schedule: a spike of about +3 °C that stays short', () => {
    const p = { ...reeferPreset('chilled'), defrostPhaseMin: 60 }
    let peak = Number.NEGATIVE_INFINITY
    let warmMinutes = 0
    simulate(p, initialReefer(p, T0), T0, 120, (s, t) => {
      if (t > T0 + 60 * MIN) {
        peak = Math.max(peak, s.tempC)
        if (s.tempC > p.setpointC + p.bandC / 2 + 0.5) warmMinutes += 10 / 60
      }
    })
    expect(peak).toBeGreaterThan(p.setpointC + 1.5)
    expect(peak).toBeLessThan(8)
    expect(warmMinutes).toBeLessThan(20)
  })

  it('waits with a defrost while the door is open', () => {
    const p = { ...reeferPreset('chilled'), defrostPhaseMin: 0 }
    const s = stepReefer({ ...initialReefer(p, T0), doorOpen: true }, p, hot, T0, 10_000)
    expect(s.defrostUntil).toBeNull()
    expect(s.nextDefrostAt).toBe(T0)
  })
})
