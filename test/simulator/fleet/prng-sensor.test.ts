import { describe, expect, it } from 'vitest'
import { createRng } from '../../../simulator/thermal/prng.js'
import { measure, quantise, standardSensor } from '../../../simulator/thermal/sensor.js'

describe('the seeded generator', () => {
  it('repeats its stream for the same seed and differs for another', () => {
    const a = createRng(42)
    const b = createRng(42)
    const c = createRng(43)
    const xs = Array.from({ length: 5 }, () => a.next())
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs)
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs)
  })

  it('forks streams that do not depend on how much the parent drew', () => {
    const a = createRng(7)
    const before = a.fork('box-1').next()
    a.next()
    a.next()
    expect(a.fork('box-1').next()).toBe(before)
    expect(a.fork('box-2').next()).not.toBe(before)
  })

  it('draws gaussians with the asked mean and deviation', () => {
    const r = createRng(1)
    const xs = Array.from({ length: 20_000 }, () => r.gaussian(5, 2))
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length)
    expect(mean).toBeCloseTo(5, 1)
    expect(sd).toBeCloseTo(2, 1)
  })

  it('keeps int() within its inclusive bounds', () => {
    const r = createRng(3)
    const xs = new Set(Array.from({ length: 1000 }, () => r.int(1, 3)))
    expect([...xs].sort()).toEqual([1, 2, 3])
  })
})

describe('the sensor', () => {
  it('reports values quantised to its resolution', () => {
    expect(quantise(4.2817, 0.1)).toBe(4.3)
    expect(quantise(-18.04, 0.1)).toBe(-18)
    const r = createRng(9)
    for (let i = 0; i < 100; i++) {
      const m = measure(r, standardSensor, 4.25, 120)
      expect(Math.round(m.tempC * 10) / 10).toBe(m.tempC)
      expect(m.rh).toBeLessThanOrEqual(100)
    }
  })

  it('adds noise around the true value', () => {
    const r = createRng(11)
    const xs = Array.from({ length: 2000 }, () => measure(r, standardSensor, 4, 80).tempC)
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length
    expect(mean).toBeCloseTo(4, 1)
    expect(new Set(xs).size).toBeGreaterThan(3)
  })
})
