import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { findingsFromAlerts } from '../../../simulator/fleet/scoring/findings.js'
import type { Alert } from '../../../src/alerts/repository.js'
import type { ExcursionEvent, GapEvent } from '../../../src/monitoring/events.js'
import { TrailReader } from '../../../src/monitoring/trail.js'
import { at, MIN, scan, series, times, type World, world } from './fixtures.js'

const HOUR = 60 * MIN

describe('a box offline for 2 h that uploads a back-filled batch with an excursion in it', () => {
  let w: World
  beforeEach(async () => {
    w = world()
    w.sensor('BA', 'box_sensor', 'BOX-A')
    w.sensor('BB', 'box_sensor', 'BOX-B')
    w.order('WA')
    w.order('WB')
    w.clock.set('08:00')
    await w.send([scan('WA', 'pickup', '08:00', 'BOX-A'), scan('WB', 'pickup', '08:00', 'BOX-B')])
    // Live until 09:28, every 2 minutes.
    for (const r of series('BA', '08:00', 2, times(45, 4))) {
      w.clock.set(r.ts)
      await w.send([r])
    }
    await w.send(series('BB', '08:00', 2, times(121, 4)))
  })
  afterEach(() => w.close())

  const alertsOf = (no: string) => w.runtime.alerts.list({ waybill: no, limit: 20 })

  it('reports the silence as an ongoing data gap once it passes the maximum gap', () => {
    w.clock.set('09:58')
    w.timers.tickGaps()
    expect(w.of('gap.opened', 'WA')).toEqual([])
    w.clock.set('09:59')
    w.timers.tickGaps()
    const [opened] = w.of('gap.opened', 'WA') as unknown as GapEvent[]
    expect(opened?.gap).toEqual({
      id: 'WA:gap:2026-01-01T09:28:00.000Z',
      startedAt: at('09:28'),
      endedAt: null,
      durationMs: null,
    })
    expect(alertsOf('WA').map((a) => [a.kind, a.state])).toEqual([['data_gap', 'active_unack']])
  })

  describe('when the batch arrives', () => {
    beforeEach(async () => {
      w.clock.set('10:30')
      w.timers.tickGaps()
      // Lid open on a roadside bench from 10:00 to 10:30: 12 °C, back in range by 10:40.
      const batch = series('BA', '09:30', 2, [...times(15, 4), ...times(15, 12), ...times(30, 5)])
      w.clock.set('11:30')
      await w.send(batch)
    })

    it('opens the excursion retroactively, marked as detected late', () => {
      const opened = w.of('excursion.opened', 'WA') as unknown as ExcursionEvent[]
      expect(opened.map((e) => e.excursion)).toEqual([
        expect.objectContaining({ startedAt: at('10:00'), endedAt: at('10:30'), detectedLate: true }),
      ])
      expect(w.of('excursion.cleared', 'WA')).toHaveLength(1)
      const temperature = alertsOf('WA').find((a) => a.kind === 'temperature') as Alert
      expect(temperature).toMatchObject({ state: 'cleared_unack', detectedLate: true })
    })

    it('withdraws the data gap the batch filled, and resolves its alert as a false alarm with the reason', () => {
      const [withdrawn] = w.of('gap.withdrawn', 'WA') as unknown as GapEvent[]
      expect(withdrawn?.reason).toMatch(/^late data filled it: 60 reading\(s\) from 2026-01-01T09:30/)
      const gap = alertsOf('WA').find((a) => a.kind === 'data_gap') as Alert
      expect(gap).toMatchObject({ state: 'resolved', disposition: 'false_alarm', resolvedBy: 'system' })
      expect(Object.values(gap.sources)[0]?.detail).toMatchObject({ withdrawn: true })
      expect(new TrailReader(w.db, w.runtime.monitor).of('WA').gaps.map((g) => g.state)).toEqual([
        'withdrawn',
      ])
    })

    it('leaves no false alarm for a scorer reading the alerts: one excursion, no gap', () => {
      const { findings } = findingsFromAlerts(JSON.parse(JSON.stringify(alertsOf('WA'))))
      expect(findings.map((f) => [f.kind, f.side, f.start])).toEqual([['temperature', 'high', at('10:00')]])
    })
  })

  it('reports a real gap when the box loses its buffer, closed by the next reading', async () => {
    // BB: readings until 12:00 were sent; it power-cycles, its next reading is at 13:00.
    w.clock.set('12:45')
    w.timers.tickGaps()
    w.clock.set('13:00')
    await w.send(series('BB', '13:00', 2, [4, 4]))
    const gaps = w.of('gap.opened', 'WB').concat(w.of('gap.closed', 'WB')) as unknown as GapEvent[]
    expect(gaps.map((g) => [g.type, g.gap.endedAt])).toEqual([
      ['gap.opened', null],
      ['gap.closed', at('13:00')],
    ])
    const alert = alertsOf('WB')[0] as Alert
    expect(alert).toMatchObject({ kind: 'data_gap', state: 'cleared_unack', conditionEndedAt: at('13:00') })
    const trail = new TrailReader(w.db, w.runtime.monitor).of('WB')
    expect(trail.summary?.unknownMs).toBe(HOUR)
    expect(trail.gaps.map((g) => [g.state, g.startedAt, g.endedAt])).toEqual([
      ['closed', at('12:00'), at('13:00')],
    ])
  })
})
