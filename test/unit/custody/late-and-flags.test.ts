import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CustodyService } from '../../../src/custody/service.js'
import { OrderService } from '../../../src/orders/service.js'
import type { Database } from '../../../src/store/database.js'
import { fixedClock, memoryDb, order } from '../orders/fixtures.js'
import { at, intervals, scan } from './fixtures.js'

describe('late, unknown and contradicting scans', () => {
  let db: Database
  let custody: CustodyService
  let orders: OrderService
  beforeEach(() => {
    db = memoryDb()
    orders = new OrderService(db, { clock: fixedClock() })
    orders.create(order({ waybillNo: 'W1' }))
    custody = new CustodyService(db)
  })
  afterEach(() => db.close())
  const flags = (waybill: string) => custody.nodes.ofWaybill(waybill).map((n) => [n.event, n.flags])

  it('places a late scan by device time, splitting the custody it falls into', () => {
    custody.recordScan(scan('W1', 'pickup', '08:00', 'BOX-1'))
    custody.recordScan(scan('W1', 'hub_in', '12:00'))
    // The load at 09:00 was buffered on the scanner and arrives last.
    const events = custody.recordScan(scan('W1', 'load', '09:00', 'TRUCK-1'))
    expect(intervals(db)).toEqual(['waybill W1 in BOX-1 08:00..', 'container BOX-1 in TRUCK-1 09:00..12:00'])
    expect(custody.nodes.ofWaybill('W1').map((n) => [n.event, n.flags.late])).toEqual([
      ['pickup', false],
      ['load', true],
      ['hub_in', false],
    ])
    expect(events).toContainEqual(expect.objectContaining({ type: 'custody.changed', since: at('09:00') }))
    expect(custody.exposure.pathAt('W1', at('10:00'))).toEqual(['BOX-1', 'TRUCK-1'])
    // The status follows the latest scan by device time, not the last to arrive.
    expect(orders.getWaybill('W1')?.status).toBe('in_transit')
  })

  it('ends the vehicle interval at a late unload that falls inside it', () => {
    custody.recordScan(scan('W1', 'pickup', '08:00', 'BOX-1'))
    custody.recordScan(scan('W1', 'load', '09:00', 'TRUCK-1'))
    custody.recordScan(scan('W1', 'load', '13:00', 'TRUCK-2'))
    custody.recordScan(scan('W1', 'unload', '11:00'))
    expect(intervals(db)).toEqual([
      'waybill W1 in BOX-1 08:00..',
      'container BOX-1 in TRUCK-1 09:00..11:00',
      'container BOX-1 in TRUCK-2 13:00..',
    ])
  })

  it('keeps a scan of an unknown waybill as a flagged node and still follows its custody', () => {
    const events = custody.recordScan(scan('NOPE-1', 'pickup', '08:00', 'BOX-9'))
    expect(flags('NOPE-1')).toEqual([
      ['pickup', { unknownWaybill: true, late: false, contradictsCustody: null }],
    ])
    expect(events[0]).toMatchObject({ type: 'node.created', waybill: 'NOPE-1', orders: [] })
    expect(events.some((e) => e.type === 'waybill.status')).toBe(false)
    expect(custody.exposure.pathAt('NOPE-1', at('09:00'))).toEqual(['BOX-9'])
  })

  it('flags a delivery before any pickup, and clears the flag when the earlier pickup turns up', () => {
    custody.recordScan(scan('W1', 'delivered', '17:00'))
    expect(flags('W1')).toEqual([
      ['delivered', { unknownWaybill: false, late: false, contradictsCustody: 'delivered before pickup' }],
    ])
    const events = custody.recordScan(scan('W1', 'pickup', '08:00', 'BOX-1'))
    expect(
      flags('W1').map(([, f]) => (f as { contradictsCustody: string | null }).contradictsCustody),
    ).toEqual([null, null])
    expect(events).toContainEqual(expect.objectContaining({ type: 'node.flagged', contradictsCustody: null }))
    expect(intervals(db)).toEqual(['waybill W1 in BOX-1 08:00..17:00'])
  })

  it('flags a pickup placed after the delivery it should have preceded', () => {
    custody.recordScan(scan('W1', 'delivered', '08:00'))
    custody.recordScan(scan('W1', 'pickup', '09:00', 'BOX-1'))
    expect(custody.nodes.ofWaybill('W1').map((n) => n.flags.contradictsCustody)).toEqual([
      'delivered before pickup',
      'pickup after delivery at 2026-01-01T08:00:00.000Z',
    ])
  })

  it('keeps custody through an exception', () => {
    custody.recordScan(scan('W1', 'pickup', '08:00', 'BOX-1'))
    custody.recordScan(scan('W1', 'load', '09:00', 'TRUCK-1'))
    custody.recordScan(scan('W1', 'exception', '10:00', null, { note: 'road closed' }))
    expect(custody.exposure.pathAt('W1', at('11:00'))).toEqual(['BOX-1', 'TRUCK-1'])
    expect(orders.getWaybill('W1')?.status).toBe('exception')
    expect(custody.nodes.ofWaybill('W1').every((n) => n.flags.contradictsCustody === null)).toBe(true)
  })

  it('flags an unload from another vehicle than the one the parcel is on, and takes it off anyway', () => {
    custody.recordScan(scan('W1', 'pickup', '08:00'))
    custody.recordScan(scan('W1', 'load', '09:00', 'TRUCK-1'))
    custody.recordScan(scan('W1', 'unload', '10:00', 'TRUCK-7'))
    expect(custody.nodes.ofWaybill('W1').at(-1)?.flags.contradictsCustody).toBe(
      'unload from TRUCK-7, but it is on TRUCK-1',
    )
    expect(intervals(db)).toEqual(['waybill W1 in TRUCK-1 09:00..10:00'])
  })

  it('takes a parcel out of its pickup vehicle when the unload names that vehicle', () => {
    custody.recordScan(scan('W1', 'pickup', '08:00', 'VAN-3'))
    custody.recordScan(scan('W1', 'unload', '10:00', 'VAN-3'))
    custody.recordScan(scan('W1', 'load', '11:00', 'TRUCK-1'))
    expect(intervals(db)).toEqual(['waybill W1 in VAN-3 08:00..10:00', 'waybill W1 in TRUCK-1 11:00..'])
  })

  it('flags scans of a waybill cancelled by a split', () => {
    const id = orders.getOrderByPlatform('taobao', 'TB-1001')?.id ?? ''
    orders.split(id, {
      waybills: [{ items: [{ sku: 'MILK-1L', qty: 4 }] }, { items: [{ sku: 'YOG-500', qty: 2 }] }],
    })
    custody.recordScan(scan('W1', 'pickup', '08:00', 'BOX-1'))
    expect(custody.nodes.ofWaybill('W1')[0]?.flags.contradictsCustody).toMatch(
      /^waybill W1 was cancelled \(split into /,
    )
    expect(orders.getWaybill('W1')?.status).toBe('cancelled')
  })
})
