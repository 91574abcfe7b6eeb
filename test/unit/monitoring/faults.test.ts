import { describe, expect, it } from 'vitest'
import { faultyAfter, trackFaults } from '../../../src/monitoring/faults.js'
import { at, reading } from './fixtures.js'

describe('sensor faults', () => {
  it('reports every implausible reading, and the recovery at the next good one after it', () => {
    const r = trackFaults('W1', {}, [
      reading('S1', '08:02', 4),
      reading('S1', '08:00', 900),
      reading('S1', '08:01', 900),
    ])
    expect(r.events.map((e) => [e.type, e.ts])).toEqual([
      ['sensor.fault', at('08:00')],
      ['sensor.fault', at('08:01')],
      ['sensor.recovered', at('08:02')],
    ])
    expect(r.faulty).toEqual({})
  })

  it('leaves the state as it is on the hot path (no fault known, none arriving)', () => {
    const faulty = {}
    expect(trackFaults('W1', faulty, [reading('S1', '08:00', 4)]).faulty).toBe(faulty)
  })

  it('knows which sensors end a series faulty', () => {
    expect(
      faultyAfter([reading('S1', '08:00', 900), reading('S2', '08:00', 900), reading('S2', '08:01', 4)]),
    ).toEqual({
      S1: at('08:00'),
    })
  })
})
