import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ExcursionEvent } from '../../../src/monitoring/events.js'
import { TrailReader } from '../../../src/monitoring/trail.js'
import { at, MIN, reading, scan, series, times, type World, world } from './fixtures.js'

describe('a door left open during loading, shorter than the alarm delay', () => {
  let w: World
  beforeEach(async () => {
    w = world()
    w.sensor('T1', 'truck_sensor', 'TRUCK-1')
    w.order('W1')
    w.clock.set('08:00')
    await w.send([scan('W1', 'pickup', '08:00', 'TRUCK-1')])
    // Every minute: 4 °C, then the door is open 08:20–08:26 (9.5 °C), then the air recovers.
    for (const r of series('T1', '08:00', 1, [...times(20, 4), ...times(7, 9.5), ...times(33, 5)])) {
      w.clock.set(r.ts)
      await w.send([r])
    }
  })
  afterEach(() => w.close())

  it('raises no excursion and no alert: the value came back before the 10-minute delay', () => {
    expect(w.events.filter((e) => e.type.startsWith('excursion.') || e.type.startsWith('alert.'))).toEqual([])
  })

  it('still counts the minutes out of range against the budget', () => {
    const summary = new TrailReader(w.db, w.runtime.monitor).of('W1').summary
    expect(summary).toMatchObject({ outOfRangeMs: 7 * MIN, budgetLeftMs: 53 * MIN, excursions: 0 })
  })
})

describe('clock skew between devices', () => {
  let w: World
  // True time 09:00–09:30 the van's door is open. Its sensor runs 7 min fast, the scanner 3 min slow.
  const FAST = 7 * MIN
  beforeEach(async () => {
    w = world()
    w.sensor('T1', 'truck_sensor', 'VAN-1')
    w.order('W1')
    w.clock.set('08:00')
    await w.send([scan('W1', 'pickup', '07:57', 'VAN-1')])
    const values = [...times(30, 4), ...times(16, 11), ...times(30, 5)]
    for (const [i, v] of values.entries()) {
      const trueAt = at('08:00') + i * 2 * MIN
      w.clock.set(trueAt)
      await w.send([reading('T1', trueAt + FAST, v)])
    }
    w.clock.set('10:40')
    await w.send([scan('W1', 'delivered', '10:37')])
  })
  afterEach(() => w.close())

  it('evaluates on the sensor’s own clock: the excursion starts at its device time', () => {
    const [opened] = w.of('excursion.opened', 'W1') as unknown as ExcursionEvent[]
    expect(opened?.excursion).toMatchObject({ startedAt: at('09:07'), detectedLate: false })
    const [cleared] = w.of('excursion.cleared', 'W1') as unknown as ExcursionEvent[]
    expect(cleared?.excursion.endedAt).toBe(at('09:39'))
  })

  it('bounds the series by the scanner’s clock: readings stamped after the delivery scan are not the parcel’s', () => {
    const trail = new TrailReader(w.db, w.runtime.monitor).of('W1')
    expect(trail.segments).toEqual([
      { from: at('07:57'), to: at('10:37'), container: 'VAN-1', devices: ['T1'] },
    ])
    expect(trail.readings.at(0)?.ts).toBe(at('08:07'))
    expect(trail.readings.at(-1)?.ts).toBe(at('10:35'))
    // Custody closed at 10:37; the last reading at 10:35 is within the maximum gap: no data gap at the end.
    expect(trail.gaps).toEqual([])
  })
})
