import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Alert } from '../../../src/alerts/repository.js'
import type { ExcursionEvent } from '../../../src/monitoring/events.js'
import { TrailReader } from '../../../src/monitoring/trail.js'
import { at, scan, series, times, type World, world } from './fixtures.js'

const excursionsOf = (w: World, no: string) =>
  (w.of('excursion.opened', no) as unknown as ExcursionEvent[]).map((e) => e.excursion)

describe('a split order', () => {
  let w: World
  let orderId: string
  beforeEach(async () => {
    w = world()
    w.sensor('BA', 'box_sensor', 'BOX-A')
    w.sensor('BB', 'box_sensor', 'BOX-B')
    orderId = w.order('W0')
    w.orders.split(orderId, {
      waybills: [
        { waybillNo: 'S1', items: [{ sku: 'MILK-1L', qty: 4 }] },
        { waybillNo: 'S2', items: [{ sku: 'YOG-500', qty: 2 }] },
      ],
    })
    w.clock.set('08:00')
    await w.send([scan('S1', 'pickup', '08:00', 'BOX-A'), scan('S2', 'pickup', '08:00', 'BOX-B')])
    // BOX-A warms for 20 minutes; BOX-B stays cold.
    const a = series('BA', '08:00', 2, [...times(10, 4), ...times(11, 9), ...times(10, 4)])
    const b = series('BB', '08:00', 2, times(31, 3))
    for (let i = 0; i < a.length; i++) {
      w.clock.set(a[i]?.ts ?? 0)
      await w.send([a[i]!, b[i]!])
    }
  })
  afterEach(() => w.close())

  it('evaluates each waybill of the order on its own box', () => {
    expect(excursionsOf(w, 'S1').map((x) => x.startedAt)).toEqual([at('08:20')])
    expect(excursionsOf(w, 'S2')).toEqual([])
    expect(w.runtime.alerts.list({ waybills: ['S1', 'S2'], limit: 10 }).map((a) => a.waybill)).toEqual(['S1'])
  })

  it('gives the order a trail per waybill it travels in; the cancelled one has none', () => {
    const trails = new TrailReader(w.db, w.runtime.monitor)
    const waybills = w.orders.waybillsOfOrder(orderId) ?? []
    expect(waybills.map((wb) => wb.no)).toEqual(['S1', 'S2'])
    expect(waybills.map((wb) => trails.of(wb.no).summary?.maxC)).toEqual([9, 3])
    expect(trails.of('W0').readings).toEqual([])
  })
})

describe('a merged waybill', () => {
  let w: World
  beforeEach(async () => {
    w = world()
    w.sensor('BM', 'box_sensor', 'BOX-M')
    const chilled = w.order('C1')
    const meat = w.order('M1', {
      profile: 'fresh_meat',
      items: [{ sku: 'BEEF', name: 'Beef 500 g', qty: 1, tempClass: 'fresh_meat' }],
    })
    w.orders.merge({ orderIds: [chilled, meat], waybillNo: 'MERGED' })
    w.clock.set('08:00')
    await w.send([scan('MERGED', 'pickup', '08:00', 'BOX-M')])
    // 6 °C for 30 minutes: fine for the chilled goods (≤ 8 °C), too warm for the meat (≤ 4 °C).
    for (const r of series('BM', '08:00', 2, [...times(5, 3), ...times(16, 6), ...times(10, 3)])) {
      w.clock.set(r.ts)
      await w.send([r])
    }
  })
  afterEach(() => w.close())

  it('is evaluated against the strictest profile of its orders', () => {
    expect(excursionsOf(w, 'MERGED')).toEqual([
      expect.objectContaining({ startedAt: at('08:10'), profile: 'fresh_meat' }),
    ])
    const trail = new TrailReader(w.db, w.runtime.monitor).of('MERGED')
    expect(trail.excursions.map((x) => [x.state, x.endedAt])).toEqual([['closed', at('08:42')]])
    // 32 minutes out of range also spends the meat's 30-minute budget.
    const alerts = w.runtime.alerts.list({ waybill: 'MERGED', limit: 5 })
    expect(alerts.map((a: Alert) => a.kind).sort()).toEqual(['budget_exhausted', 'temperature'])
    expect(trail.profile?.profile.highC).toBe(4)
  })
})
