import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Alert } from '../../../src/alerts/repository.js'
import type { ExcursionEvent } from '../../../src/monitoring/events.js'
import { TrailReader } from '../../../src/monitoring/trail.js'
import { at, MIN, scan, series, times, type World, world } from './fixtures.js'

describe('a reefer failure through the pipeline', () => {
  let w: World
  beforeEach(async () => {
    w = world()
    w.sensor('T1', 'truck_sensor', 'TRUCK-1')
    w.sensor('B1', 'box_sensor', 'BOX-1')
    w.order('W1', { slaTier: 'same_day' })
    w.order('W2', { slaTier: 'same_day' })
    w.clock.set('08:00')
    // W1 rides loose in the truck; W2 in a box with its own sensor, on the same truck.
    await w.send([scan('W1', 'pickup', '08:00', 'TRUCK-1')])
    await w.send([scan('W2', 'pickup', '08:00', 'BOX-1'), scan('W2', 'load', '08:01', 'TRUCK-1')])
    // The reefer fails at 09:00: the truck air is above 8 °C from 09:02 to 11:58; the box holds at 5 °C.
    const truck = series('T1', '08:00', 2, [...times(31, 4), ...times(90, 11.5)])
    const box = series('B1', '08:00', 2, times(121, 5))
    for (let i = 0; i < truck.length; i++) {
      w.clock.set(truck[i]?.ts ?? 0)
      await w.send([truck[i]!, box[i]!])
    }
    w.clock.set('12:10')
    await w.send([scan('W1', 'delivered', '12:05'), scan('W2', 'delivered', '12:05')])
  })
  afterEach(() => w.close())

  it('opens one excursion for the loose parcel when the delay has passed, on device time', () => {
    const opened = w.of('excursion.opened', 'W1') as unknown as ExcursionEvent[]
    expect(opened).toHaveLength(1)
    expect(opened[0]?.excursion).toMatchObject({
      id: 'W1:temperature:high:2026-01-01T09:02:00.000Z',
      kind: 'temperature',
      side: 'high',
      startedAt: at('09:02'),
      endedAt: null,
      peak: 11.5,
      detectedLate: false,
      profile: 'chilled',
    })
    // Opened by the reading at which it had lasted the 10-minute delay, not earlier.
    const when = w.events.indexOf(opened[0] as never)
    expect(w.events.slice(0, when).some((e) => e.type === 'excursion.updated')).toBe(false)
  })

  it('takes the box sensor over the truck sensor: the boxed parcel has no excursion', () => {
    expect(w.of('excursion.opened', 'W2')).toEqual([])
    expect(w.of('alert.opened', 'W2')).toEqual([])
  })

  it('raises a temperature alert once, escalating in severity, and the budget alert at 60 min out', () => {
    const alerts = w.runtime.alerts.list({ waybill: 'W1', limit: 10 })
    const temperature = alerts.find((a) => a.kind === 'temperature') as Alert
    expect(temperature.state).toBe('active_unack')
    expect(temperature.severity).toBe('critical') // 2 h out of range (food bands)
    expect(temperature.conditionStartedAt).toBe(at('09:02'))
    expect(Object.values(temperature.sources)[0]?.detail).toMatchObject({ side: 'high', peak: 11.5 })
    const budget = alerts.find((a) => a.kind === 'budget_exhausted') as Alert
    expect(budget.conditionStartedAt).toBe(at('10:02'))
    expect(w.of('alert.opened', 'W1').map((e) => (e['alert'] as Alert).kind)).toEqual([
      'temperature',
      'budget_exhausted',
    ])
  })

  it('writes each node a hand-over snapshot of the temperature at that moment', () => {
    const nodes = new TrailReader(w.db, w.runtime.monitor).of('W1').nodes
    expect(nodes.map((n) => n.temperatureSnapshot)).toEqual([
      {
        at: at('08:00'),
        tempC: 4,
        minC: 4,
        maxC: 4,
        inRange: true,
        sensorId: 'T1',
        container: 'TRUCK-1',
        profile: 'chilled',
      },
      expect.objectContaining({ at: at('12:00'), tempC: 11.5, minC: 4, maxC: 11.5, inRange: false }),
    ])
    // The scans came before the sensor's readings of their minute: taken again once those arrived.
    const boxed = w
      .of('node.temperature', 'W2')
      .map((e) => [e['nodeId'], (e['snapshot'] as { tempC: unknown }).tempC])
    expect(boxed).toEqual([
      [expect.any(Number), null],
      [expect.any(Number), null],
      [boxed[0]?.[0], 5],
      [boxed[1]?.[0], 5],
      [expect.any(Number), 5],
    ])
  })

  it('keeps the trail: readings by segment, the open excursion, the summary', () => {
    const trail = new TrailReader(w.db, w.runtime.monitor).of('W1')
    expect(trail.segments).toEqual([
      { from: at('08:00'), to: at('12:05'), container: 'TRUCK-1', devices: ['T1'] },
    ])
    expect(trail.readings).toHaveLength(121)
    expect(trail.readings.every((r) => r.segment === 0 && r.deviceId === 'T1')).toBe(true)
    expect(trail.excursions.map((x) => [x.state, x.startedAt])).toEqual([['open', at('09:02')]])
    expect(trail.summary).toMatchObject({
      minC: 4,
      maxC: 11.5,
      outOfRangeMs: 178 * MIN,
      budgetLeftMs: 0,
      budgetExhaustedAt: at('10:02'),
      unknownMs: 0,
    })
    expect(trail.summary?.mktC).toBeGreaterThan(trail.summary?.meanC ?? 0)
  })
})
