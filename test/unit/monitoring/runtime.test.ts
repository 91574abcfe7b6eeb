import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ExcursionEvent } from '../../../src/monitoring/events.js'
import { profilesOf } from '../../../src/monitoring/profile-store.js'
import { TrailReader } from '../../../src/monitoring/trail.js'
import { defaultProfiles } from '../../../src/rules/index.js'
import { at, MIN, reading, scan, series, times, type World, world } from './fixtures.js'

const paths = async (w: World) =>
  Object.fromEntries(
    (await w.metrics.monitoringEvaluations.get()).values.map((v) => [v.labels.path, v.value]),
  )

async function live(w: World, device: string, from: string, values: number[]): Promise<void> {
  for (const r of series(device, from, 2, values)) {
    w.clock.set(r.ts)
    await w.send([r])
  }
}

describe('the monitoring runtime', () => {
  let w: World
  beforeEach(async () => {
    w = world({ monitoring: { windowSpanMs: 60 * MIN } })
    w.sensor('B1', 'box_sensor', 'BOX-1')
    w.sensor('B2', 'box_sensor', 'BOX-2')
    w.order('W1')
    w.clock.set('08:00')
    await w.send([scan('W1', 'pickup', '08:00', 'BOX-1')])
  })
  afterEach(() => w.close())

  it('goes on after a restart from the stored readings, repeating nothing', async () => {
    await live(w, 'B1', '08:00', [...times(5, 4), ...times(10, 10)])
    expect(w.of('excursion.opened', 'W1')).toHaveLength(1)
    w.restart()
    await live(w, 'B1', '08:30', [...times(3, 10), ...times(3, 4)])
    expect(w.of('excursion.opened', 'W1')).toHaveLength(1)
    expect(w.of('alert.opened', 'W1').map((e) => (e['alert'] as { kind: string }).kind)).toEqual([
      'temperature',
    ])
    const [cleared] = w.of('excursion.cleared', 'W1') as unknown as ExcursionEvent[]
    expect(cleared?.excursion).toMatchObject({ startedAt: at('08:10'), endedAt: at('08:36') })
    // From the store: at pickup, at the first reading, and once after the restart; the rest went the cheap way.
    expect(await paths(w)).toMatchObject({ store: 3, incremental: 19 })
  })

  it('drops in-memory states a rolled-back transaction wrote', async () => {
    await live(w, 'B1', '08:00', times(5, 4))
    const { monitor } = w.runtime
    expect(() =>
      w.db.transaction(() => {
        monitor.processCommit(series('B1', '08:10', 2, times(10, 12)), [])
        throw new Error('the commit failed')
      })(),
    ).toThrow('the commit failed')
    await live(w, 'B1', '08:10', times(10, 4))
    expect(w.events.filter((e) => e.type.startsWith('excursion.'))).toEqual([])
    expect(new TrailReader(w.db, monitor).of('W1').excursions).toEqual([])
  })

  it('re-evaluates from the store when readings are older than the engine keeps', async () => {
    await live(w, 'B1', '08:00', times(10, 4))
    await live(w, 'B1', '08:42', times(70, 4))
    const before = (await paths(w)).store
    // 08:20–08:40 was warm; those readings come at 11:00, older than the one-hour window.
    await w.send(series('B1', '08:20', 2, times(11, 11)))
    const [opened] = w.of('excursion.opened', 'W1') as unknown as ExcursionEvent[]
    expect(opened?.excursion).toMatchObject({ startedAt: at('08:20'), detectedLate: true })
    expect((await paths(w)).store).toBe((before ?? 0) + 1)
  })

  it('re-places readings when a late scan changes custody', async () => {
    await Promise.all([live(w, 'B1', '08:00', times(31, 4)), live(w, 'B2', '08:00', times(31, 11))])
    expect(w.of('excursion.opened', 'W1')).toEqual([])
    // It arrives at 09:00: the parcel had been re-packed into BOX-2 at 08:30.
    await w.send([scan('W1', 'pickup', '08:30', 'BOX-2')])
    const [opened] = w.of('excursion.opened', 'W1') as unknown as ExcursionEvent[]
    expect(opened?.excursion).toMatchObject({ startedAt: at('08:30'), detectedLate: true })
    const trail = new TrailReader(w.db, w.runtime.monitor).of('W1')
    expect(trail.segments.map((s) => [s.container, s.from, s.to])).toEqual([
      ['BOX-1', at('08:00'), at('08:30')],
      ['BOX-2', at('08:30'), null],
    ])
  })

  it('evaluates with an edited profile from the next evaluation on', async () => {
    await live(w, 'B1', '08:00', times(10, 6))
    expect(w.of('excursion.opened', 'W1')).toEqual([])
    profilesOf(w.db).put('chilled', { ...defaultProfiles.chilled, highC: 5 }, 'ops', w.clock.now)
    await live(w, 'B1', '08:20', [6])
    const [opened] = w.of('excursion.opened', 'W1') as unknown as ExcursionEvent[]
    expect(opened?.excursion).toMatchObject({ startedAt: at('08:00'), detectedLate: true })
  })

  it('raises a sensor-fault alert per implausible reading, never an excursion, cleared when it reads again', async () => {
    await live(w, 'B1', '08:00', [4, 4])
    await w.send([reading('B1', '08:04', 900)])
    await live(w, 'B1', '08:06', [4])
    expect(w.of('sensor.fault', 'W1')).toEqual([expect.objectContaining({ deviceId: 'B1', ts: at('08:04') })])
    expect(w.of('sensor.recovered', 'W1')).toHaveLength(1)
    const [alert] = w.runtime.alerts.list({ waybill: 'W1', limit: 5 })
    expect(alert).toMatchObject({
      kind: 'sensor_fault',
      state: 'cleared_unack',
      conditionEndedAt: at('08:06'),
    })
    expect(w.events.filter((e) => e.type.startsWith('excursion.'))).toEqual([])
  })

  it('raises transit stalled when no node came within the SLA tier, once, and clears it with the next node', async () => {
    await live(w, 'B1', '08:00', [4])
    w.clock.set('15:59') // next_day: 8 h
    w.timers.sweepStalls()
    expect(w.of('transit.stalled')).toEqual([])
    w.clock.set('16:01')
    w.timers.sweepStalls()
    w.timers.sweepStalls()
    expect(w.of('transit.stalled', 'W1')).toEqual([
      expect.objectContaining({ lastNodeAt: at('08:00'), lastEvent: 'pickup', dueAt: at('16:00') }),
    ])
    await w.send([scan('W1', 'load', '16:10', 'TRUCK-1')])
    expect(w.of('transit.resumed', 'W1')).toHaveLength(1)
    const [alert] = w.runtime.alerts.list({ waybill: 'W1', kind: 'transit_stalled', limit: 5 })
    expect(alert).toMatchObject({ state: 'cleared_unack', conditionStartedAt: at('16:00') })
  })

  it('reports a data gap from pickup when no reading ever came', () => {
    w.clock.set('08:31')
    w.timers.tickGaps()
    expect(w.of('gap.opened', 'W1')).toEqual([
      expect.objectContaining({ gap: expect.objectContaining({ startedAt: at('08:00'), endedAt: null }) }),
    ])
  })
})
