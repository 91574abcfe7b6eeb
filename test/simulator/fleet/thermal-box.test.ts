import { describe, expect, it } from 'vitest'
import { ambientAt, summerDay } from '../../../simulator/thermal/ambient.js'
import { type IceBoxState, stepIceBox } from '../../../simulator/thermal/ice-box.js'
import { boxPreset } from '../../../simulator/thermal/presets.js'
import { relax } from '../../../simulator/thermal/relax.js'

const MIN = 60_000

function run(
  state: IceBoxState,
  minutes: number,
  outsideC: number,
  each?: (s: IceBoxState) => void,
): IceBoxState {
  const p = boxPreset('chilled')
  let s = state
  for (let i = 0; i < minutes * 6; i++) {
    s = stepIceBox(s, p, { tempC: outsideC, rh: 70 }, 10_000)
    each?.(s)
  }
  return s
}

const cold: IceBoxState = { tempC: 4, rh: 88, pcmFrozen: 1, lidOpen: false }

describe('the insulated box with packs', () => {
  it('warms slowly once it leaves the truck: still in range after two hours at 30 °C', () => {
    const after = run(cold, 120, 30)
    expect(after.tempC).toBeLessThan(8)
    expect(after.pcmFrozen).toBeLessThan(1)
  })

  it('sits on a plateau near the packs melting point while they last', () => {
    const p = boxPreset('chilled')
    const temps: number[] = []
    run(cold, 240, 30, (s) => temps.push(s.tempC))
    // T ≈ T_melt + (T_out − T_melt)·τ_pcm/(τ_pcm + τ_wall)
    const plateau = p.pcmMeltC + (30 - p.pcmMeltC) * (p.tauPcmMin / (p.tauPcmMin + p.tauWallMin))
    expect(temps.at(-1)).toBeCloseTo(plateau, 0)
  })

  it('without packs warms toward ambient with its wall time constant', () => {
    const p = boxPreset('chilled')
    const after = run({ ...cold, pcmFrozen: 0, tempC: p.pcmMeltC + 0.001 }, p.tauWallMin, 30)
    expect(after.tempC).toBeCloseTo(30 - (30 - p.pcmMeltC) * Math.exp(-1), 0)
  })

  it('warms fast with the lid open and recovers on its packs once it is closed', () => {
    const open = run({ ...cold, lidOpen: true }, 20, 30)
    expect(open.tempC).toBeGreaterThan(15)
    const closed = run({ ...open, lidOpen: false }, 90, 30)
    expect(closed.tempC).toBeLessThan(8)
  })

  it('runs out of packs: melting ends the plateau', () => {
    const after = run(cold, 30 * 60, 30)
    expect(after.pcmFrozen).toBe(0)
    expect(after.tempC).toBeGreaterThan(20)
  })
})

describe('the exact first-order step', () => {
  it('is independent of the step length', () => {
    const paths = [{ targetC: 30, tauMin: 60 }]
    let fine = 4
    for (let i = 0; i < 360; i++) fine = relax(fine, paths, 10_000)
    expect(relax(4, paths, 60 * MIN)).toBeCloseTo(fine, 9)
  })
})

describe('the ambient day', () => {
  it('peaks in the afternoon and bottoms out at night, local time', () => {
    const day = Date.parse('2026-07-01T00:00:00+08:00')
    const at = (h: number) => ambientAt(summerDay, day + h * 3_600_000).tempC
    expect(at(summerDay.peakHour)).toBeCloseTo(summerDay.maxC, 5)
    expect(at(summerDay.peakHour - 12)).toBeCloseTo(summerDay.minC, 5)
    expect(at(9)).toBeGreaterThan(summerDay.minC)
    expect(at(9)).toBeLessThan(summerDay.maxC)
  })
})
