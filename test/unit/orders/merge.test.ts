import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CustodyService } from '../../../src/custody/service.js'
import type { AppError } from '../../../src/errors.js'
import type { OrderInput } from '../../../src/orders/schemas.js'
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

describe('merging orders into one waybill', () => {
  let db: Database
  let orders: OrderService
  let n = 0
  const place = (overrides: Partial<OrderInput>) => {
    n += 1
    return orders.create(order({ platformOrderId: `TB-${n}`, waybillNo: `WB-${n}`, ...overrides })).order.id
  }
  beforeEach(() => {
    n = 0
    db = memoryDb()
    orders = new OrderService(db, { clock: fixedClock() })
  })
  afterEach(() => db.close())

  it('carries every item of every order and cancels their waybills', () => {
    const a = place({})
    const b = place({ items: [{ sku: 'EGG', name: 'Eggs', qty: 12, tempClass: 'chilled' }] })
    const result = orders.merge({ orderIds: [a, b], waybillNo: 'WB-M' })
    expect(result.cancelled.sort()).toEqual(['WB-1', 'WB-2'])
    const merged = result.waybills[0]
    expect(merged?.orders.sort()).toEqual([a, b].sort())
    expect(merged?.items.map((i) => `${i.sku}x${i.qty}`).sort()).toEqual(['EGGx12', 'MILK-1Lx4', 'YOG-500x2'])
    expect(orders.getOrder(a)?.waybills).toEqual(['WB-M'])
    expect(orders.getWaybill('WB-1')?.cancelReason).toBe('merged into WB-M')
  })

  it('keeps a shared profile and says so', () => {
    const result = orders.merge({ orderIds: [place({}), place({})] })
    expect(result.waybills[0]).toMatchObject({
      profile: 'chilled',
      profileReason: 'all orders share profile chilled',
    })
  })

  it('applies the strictest profile when one lies within the others (fresh_meat within chilled)', () => {
    const result = orders.merge({
      orderIds: [place({ profile: 'chilled' }), place({ profile: 'fresh_meat' })],
    })
    const merged = result.waybills[0]
    expect(merged?.profile).toBe('fresh_meat')
    expect(merged?.profileOverride).toBeNull()
    expect(merged?.profileReason).toMatch(/^fresh_meat is the strictest of chilled, fresh_meat/)
  })

  it('applies the intersection when no single profile is the strictest', () => {
    // fresh_meat 0..4 °C and pharma_2_8 2..8 °C: only 2..4 °C satisfies both.
    const result = orders.merge({
      orderIds: [place({ profile: 'fresh_meat' }), place({ profile: 'pharma_2_8' })],
    })
    const merged = result.waybills[0]
    expect(merged?.profile).toBe('fresh_meat')
    expect(merged?.profileOverride).toMatchObject({
      lowC: 2,
      highC: 4,
      cumulativeBudgetMs: 30 * 60_000, // fresh_meat's, the shorter
      maxGapMs: 15 * 60_000, // pharma's, the shorter
    })
    expect(merged?.profileReason).toMatch(
      /no single profile .* intersection applies over fresh_meat: 2\.\.4 °C/,
    )
  })

  it('takes an order override into account when deciding', () => {
    const tight = place({ profile: 'chilled', profileOverride: { lowC: 1, highC: 3 } })
    const result = orders.merge({ orderIds: [place({ profile: 'fresh_meat' }), tight] })
    expect(result.waybills[0]?.profileOverride).toMatchObject({ lowC: 1, highC: 3 })
  })

  it('refuses orders whose profiles no temperature satisfies (frozen with chilled)', () => {
    const err = failure(() =>
      orders.merge({ orderIds: [place({ profile: 'frozen' }), place({ profile: 'chilled' })] }),
    )
    expect(err.code).toBe('VALIDATION_FAILED')
    expect(err.details).toMatchObject({ reason: 'incompatible_profiles' })
    expect(orders.getWaybill('WB-1')?.status).toBe('created')
  })

  it('refuses a profile it does not know when the profiles differ', () => {
    const err = failure(() => orders.merge({ orderIds: [place({ profile: 'mystery' }), place({})] }))
    expect(err.details).toMatchObject({ reason: 'unknown_profile' })
  })

  it('takes the fastest SLA tier of the orders', () => {
    const result = orders.merge({
      orderIds: [place({ slaTier: 'standard' }), place({ slaTier: 'same_day' })],
    })
    expect(result.waybills[0]?.slaTier).toBe('same_day')
  })

  it('refuses once one of the orders was picked up', () => {
    const a = place({})
    const b = place({})
    new CustodyService(db).recordScan(scan('WB-2', 'pickup', '09:00'))
    const err = failure(() => orders.merge({ orderIds: [a, b] }))
    expect(err.code).toBe('CONFLICT')
    expect(err.details).toMatchObject({ reason: 'picked_up', waybill: 'WB-2' })
  })

  it('refuses orders of different merchants, and an order named twice', () => {
    const a = place({})
    const b = place({ merchant: 'other-shop' })
    expect(failure(() => orders.merge({ orderIds: [a, b] })).details).toMatchObject({
      reason: 'different_merchants',
    })
    expect(failure(() => orders.merge({ orderIds: [a, a] })).details).toMatchObject({
      reason: 'duplicate_order',
    })
  })

  it('refuses to take apart a waybill that also carries an order outside the merge', () => {
    const a = place({})
    const b = place({})
    const c = place({})
    orders.merge({ orderIds: [a, b], waybillNo: 'WB-AB' })
    const err = failure(() => orders.merge({ orderIds: [a, c] }))
    expect(err.details).toMatchObject({ reason: 'carries_other_orders', waybill: 'WB-AB', orders: [b] })
  })
})
