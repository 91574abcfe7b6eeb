import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CustodyService } from '../../../src/custody/service.js'
import type { AppError } from '../../../src/errors.js'
import { OrderService } from '../../../src/orders/service.js'
import type { Database } from '../../../src/store/database.js'
import { scan } from '../custody/fixtures.js'
import { fixedClock, memoryDb, order } from './fixtures.js'

function failure(fn: () => unknown): AppError {
  try {
    fn()
  } catch (err) {
    return err as AppError
  }
  throw new Error('expected a failure')
}

describe('splitting an order into waybills', () => {
  let db: Database
  let orders: OrderService
  let orderId: string
  let original: string
  beforeEach(() => {
    db = memoryDb()
    orders = new OrderService(db, { clock: fixedClock() })
    const created = orders.create(order({ waybillNo: 'WB-ORIG' }))
    orderId = created.order.id
    original = 'WB-ORIG'
  })
  afterEach(() => db.close())

  it('replaces the waybill with one per part, each item quantity shipped exactly once', () => {
    const result = orders.split(orderId, {
      waybills: [
        { waybillNo: 'WB-A', items: [{ sku: 'MILK-1L', qty: 3 }] },
        {
          waybillNo: 'WB-B',
          items: [
            { sku: 'MILK-1L', qty: 1 },
            { sku: 'YOG-500', qty: 2 },
          ],
        },
      ],
    })
    expect(result.cancelled).toEqual([original])
    expect(result.waybills.map((w) => [w.no, w.items.map((i) => `${i.sku}x${i.qty}`)])).toEqual([
      ['WB-A', ['MILK-1Lx3']],
      ['WB-B', ['MILK-1Lx1', 'YOG-500x2']],
    ])
    expect(orders.getOrder(orderId)?.waybills).toEqual(['WB-A', 'WB-B'])
    const old = orders.getWaybill(original)
    expect(old?.status).toBe('cancelled')
    expect(old?.cancelReason).toBe('split into WB-A, WB-B')
    expect(orders.waybillsOfOrder(orderId, {}, true)?.map((w) => w.no)).toEqual(['WB-A', 'WB-B', 'WB-ORIG'])
  })

  it('may keep the original waybill number for one part', () => {
    const result = orders.split(orderId, {
      waybills: [
        { waybillNo: original, items: [{ sku: 'MILK-1L', qty: 4 }] },
        { items: [{ sku: 'YOG-500', qty: 2 }] },
      ],
    })
    expect(result.cancelled).toEqual([])
    expect(orders.getWaybill(original)?.items.map((i) => i.sku)).toEqual(['MILK-1L'])
    expect(orders.getOrder(orderId)?.waybills).toHaveLength(2)
  })

  it('refuses quantities that do not add up to the order', () => {
    const err = failure(() =>
      orders.split(orderId, {
        waybills: [{ items: [{ sku: 'MILK-1L', qty: 2 }] }, { items: [{ sku: 'YOG-500', qty: 2 }] }],
      }),
    )
    expect(err.code).toBe('VALIDATION_FAILED')
    expect(err.details).toMatchObject({ reason: 'qty_mismatch', sku: 'MILK-1L', ordered: 4, shipped: 2 })
    expect(orders.getOrder(orderId)?.waybills).toEqual([original])
  })

  it('refuses an item shipped twice across waybills', () => {
    const err = failure(() =>
      orders.split(orderId, {
        waybills: [
          {
            items: [
              { sku: 'MILK-1L', qty: 4 },
              { sku: 'YOG-500', qty: 2 },
            ],
          },
          { items: [{ sku: 'MILK-1L', qty: 4 }] },
        ],
      }),
    )
    expect(err.details).toMatchObject({ reason: 'item_shipped_twice', sku: 'MILK-1L', shipped: 8 })
  })

  it('refuses an item listed twice in one waybill, and an item the order does not have', () => {
    const twice = failure(() =>
      orders.split(orderId, {
        waybills: [
          {
            items: [
              { sku: 'MILK-1L', qty: 2 },
              { sku: 'MILK-1L', qty: 2 },
            ],
          },
          { items: [{ sku: 'YOG-500', qty: 2 }] },
        ],
      }),
    )
    expect(twice.details).toMatchObject({ reason: 'duplicate_item' })
    const unknown = failure(() =>
      orders.split(orderId, {
        waybills: [{ items: [{ sku: 'BEEF', qty: 1 }] }, { items: [{ sku: 'YOG-500', qty: 2 }] }],
      }),
    )
    expect(unknown.details).toMatchObject({ reason: 'unknown_item' })
  })

  it('refuses a split once the original waybill was picked up', () => {
    new CustodyService(db).recordScan(scan(original, 'pickup', '09:00', 'BOX-1'))
    const err = failure(() =>
      orders.split(orderId, {
        waybills: [{ items: [{ sku: 'MILK-1L', qty: 4 }] }, { items: [{ sku: 'YOG-500', qty: 2 }] }],
      }),
    )
    expect(err.code).toBe('CONFLICT')
    expect(err.details).toMatchObject({ reason: 'picked_up', waybill: original })
  })

  it('still allows a split after only an exception scan (the parcel has not left)', () => {
    new CustodyService(db).recordScan(
      scan(original, 'exception', '09:00', null, { note: 'merchant not ready' }),
    )
    expect(() =>
      orders.split(orderId, {
        waybills: [{ items: [{ sku: 'MILK-1L', qty: 4 }] }, { items: [{ sku: 'YOG-500', qty: 2 }] }],
      }),
    ).not.toThrow()
  })

  it("reports an unknown order as NOT_FOUND, and another merchant's order too", () => {
    const parts = {
      waybills: [{ items: [{ sku: 'MILK-1L', qty: 4 }] }, { items: [{ sku: 'YOG-500', qty: 2 }] }],
    }
    expect(failure(() => orders.split('ord_nope', parts)).code).toBe('NOT_FOUND')
    expect(failure(() => orders.split(orderId, parts, { merchant: 'other-shop' })).code).toBe('NOT_FOUND')
  })
})
