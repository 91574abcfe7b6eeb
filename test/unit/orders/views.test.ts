import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { OrderService } from '../../../src/orders/service.js'
import type { Database } from '../../../src/store/database.js'
import { fixedClock, memoryDb, order } from './fixtures.js'

describe('merchant-scoped reads', () => {
  let db: Database
  let orders: OrderService
  let mine: string
  let theirs: string
  beforeEach(() => {
    db = memoryDb()
    const clock = fixedClock()
    orders = new OrderService(db, { clock })
    mine = orders.create(order({ platformOrderId: 'M1', waybillNo: 'WB-M1' })).order.id
    clock.advance(1)
    theirs = orders.create(order({ platformOrderId: 'T1', merchant: 'other-shop', waybillNo: 'WB-T1' })).order
      .id
    clock.advance(1)
    orders.create(order({ platformOrderId: 'M2' }))
  })
  afterEach(() => db.close())

  it('lets a merchant see only its own orders', () => {
    expect(orders.getOrder(mine, { merchant: 'fresh-farm' })?.id).toBe(mine)
    expect(orders.getOrder(theirs, { merchant: 'fresh-farm' })).toBeNull()
    expect(orders.getOrderByPlatform('taobao', 'T1', { merchant: 'fresh-farm' })).toBeNull()
    const listed = orders
      .listOrders({ limit: 10 }, { merchant: 'fresh-farm' })
      .items.map((o) => o.platformOrderId)
    expect(listed).toEqual(['M1', 'M2'])
  })

  it('lets a merchant see a waybill only when it carries one of its orders', () => {
    expect(orders.getWaybill('WB-M1', { merchant: 'fresh-farm' })?.no).toBe('WB-M1')
    expect(orders.getWaybill('WB-T1', { merchant: 'fresh-farm' })).toBeNull()
    expect(orders.getWaybill('WB-T1')?.orders).toEqual([theirs])
  })

  it('lists every order for an unscoped reader, a page at a time in creation order', () => {
    const first = orders.listOrders({ limit: 2 })
    expect(first.items.map((o) => o.platformOrderId)).toEqual(['M1', 'T1'])
    expect(first.next).not.toBeNull()
    const second = orders.listOrders({ limit: 2, after: first.next ?? undefined })
    expect(second.items.map((o) => o.platformOrderId)).toEqual(['M2'])
    expect(second.next).toBeNull()
  })
})
