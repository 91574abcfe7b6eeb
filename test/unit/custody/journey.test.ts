import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CustodyEvent } from '../../../src/custody/events.js'
import { CustodyService } from '../../../src/custody/service.js'
import { OrderService } from '../../../src/orders/service.js'
import type { Database } from '../../../src/store/database.js'
import { fixedClock, memoryDb, order } from '../orders/fixtures.js'
import { at, intervals, scan } from './fixtures.js'

describe('a parcel from pickup to signature', () => {
  let db: Database
  let custody: CustodyService
  let orderId: string
  const events: CustodyEvent[] = []
  beforeEach(() => {
    db = memoryDb()
    orderId = new OrderService(db, { clock: fixedClock() }).create(order({ waybillNo: 'W1' })).order.id
    custody = new CustodyService(db)
    events.length = 0
    for (const s of [
      scan('W1', 'pickup', '08:00', 'BOX-1', { locationName: 'Farm gate', operator: 'courier-7' }),
      scan('W1', 'load', '09:00', 'TRUCK-1'),
      scan('W1', 'hub_in', '12:00', null, { locationName: 'Hub Shanghai' }),
      scan('W1', 'hub_out', '13:00', 'TRUCK-2'),
      scan('W1', 'out_for_delivery', '16:00', 'VAN-1'),
      scan('W1', 'delivered', '17:00', null, { note: 'signed by consignee' }),
    ]) {
      events.push(...custody.recordScan(s))
    }
  })
  afterEach(() => db.close())

  it('makes every scan a node with its canonical status', () => {
    const nodes = custody.nodes.ofWaybill('W1')
    expect(nodes.map((n) => [n.event, n.status])).toEqual([
      ['pickup', 'picked_up'],
      ['load', 'in_transit'],
      ['hub_in', 'in_transit'],
      ['hub_out', 'in_transit'],
      ['out_for_delivery', 'out_for_delivery'],
      ['delivered', 'delivered'],
    ])
    expect(nodes[0]?.location).toEqual({ name: 'Farm gate', lat: null, lon: null })
    expect(nodes[0]?.operator).toBe('courier-7')
    expect(
      nodes.every((n) => !n.flags.late && !n.flags.unknownWaybill && n.flags.contradictsCustody === null),
    ).toBe(true)
    expect(nodes.every((n) => n.temperatureSnapshot === null)).toBe(true)
  })

  it('puts the waybill in its box until delivery, and the box on each vehicle in turn', () => {
    expect(intervals(db)).toEqual([
      'waybill W1 in BOX-1 08:00..17:00',
      'container BOX-1 in TRUCK-1 09:00..12:00',
      'container BOX-1 in TRUCK-2 13:00..16:00',
      'container BOX-1 in VAN-1 16:00..',
    ])
    expect(custody.exposure.pathAt('W1', at('10:00'))).toEqual(['BOX-1', 'TRUCK-1'])
    expect(custody.exposure.pathAt('W1', at('12:30'))).toEqual(['BOX-1'])
    expect(custody.exposure.pathAt('W1', at('16:30'))).toEqual(['BOX-1', 'VAN-1'])
    expect(custody.exposure.pathAt('W1', at('17:00'))).toEqual([])
    expect(custody.exposure.pathAt('W1', at('07:59'))).toEqual([])
  })

  it('follows the canonical status on the waybill, with pickup and delivery times', () => {
    const row = db.prepare('SELECT status, picked_up_at, delivered_at FROM waybills WHERE no = ?').get('W1')
    expect(row).toEqual({ status: 'delivered', picked_up_at: at('08:00'), delivered_at: at('17:00') })
    const transitions = events
      .filter((e) => e.type === 'waybill.status')
      .map((e) => e.type === 'waybill.status' && e.status)
    expect(transitions).toEqual(['picked_up', 'in_transit', 'out_for_delivery', 'delivered'])
  })

  it('reports each node with the orders it is written back to', () => {
    const created = events.filter((e) => e.type === 'node.created')
    expect(created).toHaveLength(6)
    expect(created[0]).toMatchObject({ waybill: 'W1', orders: [orderId], node: { event: 'pickup' } })
  })

  it('reports custody changes with the device time they start from', () => {
    const changes = events.filter((e) => e.type === 'custody.changed')
    expect(
      changes.map((c) => c.type === 'custody.changed' && new Date(c.since).toISOString().slice(11, 16)),
    ).toEqual(['08:00', '09:00', '12:00', '13:00', '16:00', '17:00'])
    expect(changes[1]).toMatchObject({ containers: [{ container: 'BOX-1', since: at('09:00') }] })
  })

  it('ignores a scan it has recorded already', () => {
    const again = scan('W1', 'pickup', '08:00', 'BOX-1')
    custody.recordScan(again)
    expect(custody.recordScan(again)).toEqual([])
  })
})
